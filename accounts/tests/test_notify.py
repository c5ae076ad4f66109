"""Mail about token applications and staff decisions."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken


class BrokenMailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server does not answer")


@pytest.fixture
def manual_approval(settings):
    settings.TOKEN_APPROVAL = "manual"


def test_it_tells_staff_that_an_application_waits(owner_client, staff, manual_approval, mailoutbox):
    owner_client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "shop.example.com"})
    token = ApiToken.objects.get()
    [mail] = mailoutbox
    assert mail.to == [staff.email]
    assert "shop.example.com" in mail.subject
    assert f"/admin/accounts/apitoken/{token.pk}/change/" in mail.body
    assert "owner@example.com" in mail.body
    assert "승인" in mail.body and "approval" in mail.body  # Korean and English
    assert token.secret not in mail.body


def test_it_sends_nothing_to_staff_when_tokens_are_issued_at_once(owner_client, staff, mailoutbox, settings):
    settings.TOKEN_APPROVAL = "auto"
    owner_client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "shop.example.com"})
    assert ApiToken.objects.get().state == ApiToken.State.ACTIVE
    assert mailoutbox == []


def test_it_tells_staff_when_a_host_change_sends_a_token_back(owner_client, issued, staff, manual_approval, mailoutbox):
    token, _ = issued
    response = owner_client.post(reverse("accounts:token_change_host", args=[token.pk]), {"host": "new.example.org"})
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "new.example.org" in mailoutbox[0].subject
    page = owner_client.get(response["Location"]).content.decode()
    assert "waits for staff approval" in page


def test_it_tells_the_developer_what_staff_decided(client, staff, developer, manual_approval, mailoutbox):
    token, _ = ApiToken.issue(developer, "Shop", "shop.example.com")
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "reject", "_selected_action": [token.pk], "apply_reason": "1", "reason": "Host not yours"},
    )
    token.refresh_from_db()
    assert token.state == ApiToken.State.REJECTED
    [mail] = mailoutbox
    assert mail.to == [developer.email]
    assert "Host not yours" in mail.body
    assert "거절됨" in mail.subject and "Rejected" in mail.subject
    assert f"/tokens/{token.pk}/" in mail.body


def test_it_keeps_the_decision_when_mail_cannot_be_sent(client, staff, developer, manual_approval, settings):
    settings.EMAIL_BACKEND = "accounts.tests.test_notify.BrokenMailBackend"
    token, _ = ApiToken.issue(developer, "Shop", "shop.example.com")
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "approve", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.state == ApiToken.State.ACTIVE


def test_it_writes_names_as_typed_in_plain_text_mail(client, staff, developer, manual_approval, mailoutbox):
    token, _ = ApiToken.issue(developer, "Tom & Jerry's app", "shop.example.com")
    client.force_login(staff)
    client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "approve", "_selected_action": [token.pk]})
    [mail] = mailoutbox
    assert "Tom & Jerry's app" in mail.subject and "Tom & Jerry's app" in mail.body
    assert "&amp;" not in mail.body + mail.subject


def test_it_says_plainly_that_an_approved_token_works_now(client, staff, developer, manual_approval, mailoutbox):
    token, _ = ApiToken.issue(developer, "Shop", "xn--3e0b707e.kr")
    client.force_login(staff)
    client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "approve", "_selected_action": [token.pk]})
    [mail] = mailoutbox
    assert "토큰 “Shop”(호스트 한국.kr (xn--3e0b707e.kr))이(가) 승인되어 지금부터 쓸 수 있습니다." in mail.body
    assert "Your token “Shop” (host 한국.kr (xn--3e0b707e.kr)) was approved: you can use it now." in mail.body


def test_it_names_the_new_state_and_whom_to_ask_when_staff_give_no_reason(client, staff, issued, mailoutbox, settings):
    settings.SUPPORT_EMAIL = "help@callbacknow.test"
    token, _ = issued
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "suspend", "_selected_action": [token.pk], "apply_reason": "1", "reason": ""},
    )
    [mail] = mailoutbox
    assert "상태가 ‘정지됨’으로 바뀌었습니다." in mail.body and "it is now “Suspended”." in mail.body
    assert "No reason was given." in mail.body
    assert "help@callbacknow.test" in mail.body
