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
