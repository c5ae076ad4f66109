"""manage.py mail_legacy_tokens (hourly on the worker): owners of legacy tokens are told once."""

import pytest
from django.core import mail
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_tells_each_owner_once_about_all_their_legacy_tokens(issued, developer, website_token, settings):
    settings.SITE_URL = "https://developers.example.com"
    legacy, _ = issued
    call_command("mail_legacy_tokens")
    call_command("mail_legacy_tokens")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [developer.email]
    assert f"https://developers.example.com/tokens/{legacy.pk}/" in message.body
    assert f"/tokens/{website_token[0].pk}/" not in message.body  # restricted already
    assert "제한" in message.subject and "restrict" in message.subject
    legacy.refresh_from_db()
    assert legacy.legacy_notified_at is not None
