"""GET /device/v1/me: the subscriber whose phone holds the key."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_names_the_key_s_subscriber(phone):
    response = phone.get("/device/v1/me")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "subscriber": {
            "number": "+821011111111",
            "national_number": "01011111111",
            "country": "KR",
            "operator": "SRTelecom",
            "public_id": "airpagephone",
            "test": False,
        },
        "push": None,
    }


def test_it_says_a_test_phone_is_one(client, developer):
    from api.models import Subscriber
    from device.models import DeviceKey
    from tests.helpers import bearer

    phone = Subscriber.create_test_phone(developer)
    _key, plaintext = DeviceKey.issue(phone, "Test phone")

    subscriber = client.get("/device/v1/me", **bearer(plaintext)).json()["subscriber"]

    assert (subscriber["number"], subscriber["public_id"], subscriber["test"]) == (phone.number, phone.public_id, True)


def test_it_names_another_subscriber_for_their_own_key(client, other_subscriber):
    from device.models import DeviceKey
    from tests.helpers import bearer

    _key, plaintext = DeviceKey.issue(other_subscriber, "Their phone")

    subscriber = client.get("/device/v1/me", **bearer(plaintext)).json()["subscriber"]

    assert (subscriber["number"], subscriber["operator"], subscriber["public_id"]) == ("+821022223333", "KT", None)
