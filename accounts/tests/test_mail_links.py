"""Every link in the portal's mails is on SITE_URL, never on the Host header the request came with.

Django checks a Host header's name against ALLOWED_HOSTS but not its port: a request for 127.0.0.1:6666 is
answered, and a mail built from it would send its reader to whatever listens there.
"""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken

SITE_URL = "https://developers.callbacknow.test"
HOSTILE_HOST = "127.0.0.1:6666"
PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def links(message):
    found = re.findall(r"https?://\S+", message.body)
    assert found, message.body
    return found


def assert_on_site(message):
    for link in links(message):
        assert link.startswith(SITE_URL + "/"), link


def test_it_links_the_password_reset_mail_to_the_site(client, developer, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": developer.email}, HTTP_HOST=HOSTILE_HOST)

    [message] = mailoutbox
    assert_on_site(message)
    [link] = links(message)
    assert client.get(link.removeprefix(SITE_URL)).status_code in (200, 302)  # the key's page, on this site


def test_it_links_the_verification_mail_to_the_site(client, db, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "new@dev.example", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST=HOSTILE_HOST,
    )

    [message] = mailoutbox
    assert_on_site(message)
    [link] = links(message)
    assert "/accounts/confirm-email/" in link


def test_it_links_the_mail_about_a_sign_up_with_a_registered_address_to_the_site(client, developer, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": developer.email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST=HOSTILE_HOST,
    )

    [message] = mailoutbox
    assert_on_site(message)


def test_it_links_the_mail_about_a_password_reset_for_an_unknown_address_to_the_site(client, db, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@dev.example"}, HTTP_HOST=HOSTILE_HOST)

    [message] = mailoutbox
    assert_on_site(message)


def test_it_links_the_mail_about_a_staff_decision_to_the_site(client, staff, developer, settings, mailoutbox):
    settings.TOKEN_APPROVAL = "manual"
    token, _ = ApiToken.issue(developer, "Shop", "shop.example.com")
    client.force_login(staff)

    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "approve", "_selected_action": [token.pk]},
        HTTP_HOST=HOSTILE_HOST,
    )

    [message] = mailoutbox
    assert_on_site(message)
    assert f"{SITE_URL}/tokens/{token.pk}/" in message.body


def test_it_links_the_mail_about_a_waiting_application_to_the_site(client, staff, developer, settings, mailoutbox):
    settings.TOKEN_APPROVAL = "manual"
    client.force_login(developer)

    client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "shop.example.com"}, HTTP_HOST=HOSTILE_HOST)

    [message] = mailoutbox
    assert_on_site(message)
