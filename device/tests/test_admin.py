"""Staff create device keys in the admin (the text shown once, on its own page, never stored) and revoke them."""

import logging
import re

import pytest
from django.contrib.sessions.models import Session

from accounts.tests.test_secrets_at_rest import every_text_value
from device.models import DeviceKey
from tests.helpers import bearer

pytestmark = pytest.mark.django_db

CANARY = "canary-phone-5e1d"  # stored in clear on purpose: proves the scan reads the key's row
SHOWN_KEY = re.compile(r'<code id="device-key">(cbnd_[A-Za-z0-9]{32})</code>')


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def create(staff_client, target, name=CANARY):
    response = staff_client.post("/admin/device/devicekey/add/", {"subscriber": target.pk, "name": name})
    assert response.status_code == 200, response.content
    shown = SHOWN_KEY.search(response.content.decode())
    assert shown, response.content.decode()
    return response, shown.group(1)


def test_it_shows_a_new_key_once_and_stores_no_plaintext(staff_client, staff, target, client, caplog, settings):
    settings.DEBUG = True  # also log every SQL statement with its parameters
    caplog.set_level(logging.DEBUG)

    response, plaintext = create(staff_client, target)

    assert "no-store" in response["Cache-Control"]
    assert "shown only this once" in response.content.decode()
    key = DeviceKey.objects.get()
    assert (key.subscriber, key.name, key.created_by) == (target, CANARY, staff)
    values = list(every_text_value())
    assert any(CANARY in value for value in values)
    assert not any(plaintext in value or plaintext[5:] in value for value in values)
    assert not any(plaintext in str(session.get_decoded()) for session in Session.objects.all())
    assert not any(plaintext in record.getMessage() for record in caplog.records)
    again = staff_client.get(f"/admin/device/devicekey/{key.pk}/change/").content.decode()
    assert plaintext not in again and key.masked in again
    assert client.get("/device/v1/me", **bearer(plaintext)).status_code == 200


def test_it_never_shows_the_digest(staff_client, target, issued_key):
    key, plaintext = issued_key

    pages = [
        staff_client.get("/admin/device/devicekey/"),
        staff_client.get(f"/admin/device/devicekey/{key.pk}/change/"),
        staff_client.get(f"/admin/api/subscriber/{target.pk}/change/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert key.digest not in page.content.decode()
        assert key.masked in page.content.decode()


def test_it_finds_a_key_by_its_whole_text(staff_client, target, issued_key):
    key, plaintext = issued_key
    DeviceKey.issue(target, "Another phone")

    page = staff_client.get("/admin/device/devicekey/", {"q": plaintext}).content.decode()

    assert key.masked in page and "Another phone" not in page


def test_it_lists_the_subscriber_s_keys_and_links_to_a_new_one(staff_client, target, issued_key):
    page = staff_client.get(f"/admin/api/subscriber/{target.pk}/change/").content.decode()

    assert "Test phone" in page
    assert f'href="/admin/device/devicekey/add/?subscriber={target.pk}"' in page
    form = staff_client.get(f"/admin/device/devicekey/add/?subscriber={target.pk}").content.decode()
    assert re.search(rf'name="subscriber" value="{target.pk}"', form)


def test_it_revokes_the_selected_keys_with_an_action(staff_client, issued_key, client):
    key, plaintext = issued_key

    response = staff_client.post(
        "/admin/device/devicekey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )

    assert "1 device key(s) revoked." in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/device/v1/me", **bearer(plaintext)).json() == {"reason": "revoked device key"}
    again = staff_client.post(
        "/admin/device/devicekey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert "1 device key(s) were already revoked." in again.content.decode()


def test_it_speaks_korean_to_korean_staff(staff_client, target):
    staff_client.cookies["django_language"] = "ko"

    response, _plaintext = create(staff_client, target)

    assert "기기 키" in response.content.decode()


def test_it_hides_the_keys_from_developers(owner_client):
    assert owner_client.get("/admin/device/devicekey/").status_code == 302


FCM_TOKEN = "fcm-token:" + "C" * 130 + "Zq9x"


def test_it_shows_each_device_s_push_target_masked_and_its_last_pushes(staff_client, target, push_standin, send):
    from device.models import PushTarget
    from device.push import sending

    key, _plaintext = DeviceKey.issue(target, "Pixel 9")
    PushTarget.register(key, "fcm", FCM_TOKEN, "…Zq9x")
    send(target)
    for job in sending.plan(target.pk):
        sending.attempt(job)

    page = staff_client.get(f"/admin/api/subscriber/{target.pk}/change/").content.decode()

    assert "FCM …Zq9x" in page
    assert re.search(r"FCM sent 200 · \d\d-\d\d \d\d:\d\d:\d\d", page)
    assert FCM_TOKEN not in page


def test_staff_send_a_test_push(staff_client, target, push_standin):
    from device.models import PushTarget

    key, _plaintext = DeviceKey.issue(target, "Pixel 9")
    PushTarget.register(key, "fcm", FCM_TOKEN, "…Zq9x")
    bare, _plaintext = DeviceKey.issue(target, "No push")

    response = staff_client.post(
        "/admin/device/devicekey/",
        {"action": "send_test_push", "_selected_action": [key.pk, bare.pk]},
        follow=True,
    )

    [received] = push_standin.received
    assert received["message"]["token"] == FCM_TOKEN
    assert received["message"]["notification"] == {
        "title": "CallbackNow",
        "body": "테스트 푸시입니다 · This is a test push",
    }
    page = response.content.decode()
    assert "test push accepted by the provider (projects/callbacknow-test/messages/" in page
    assert "No push (cbnd_…" in page and "no push target." in page


def test_a_test_push_to_a_dead_target_removes_it(staff_client, target, push_standin):
    from device.models import PushTarget

    key, _plaintext = DeviceKey.issue(target, "Pixel 9")
    PushTarget.register(key, "fcm", FCM_TOKEN, "…Zq9x")
    push_standin.answer_next(FCM_TOKEN, 404, {"error": {"code": 404, "status": "NOT_FOUND"}})

    response = staff_client.post(
        "/admin/device/devicekey/", {"action": "send_test_push", "_selected_action": [key.pk]}, follow=True
    )

    assert "test push not delivered: dead, NOT_FOUND." in response.content.decode()
    assert not PushTarget.objects.filter(device_key=key).exists()
