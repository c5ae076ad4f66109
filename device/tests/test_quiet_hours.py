"""/device/v1/quiet-hours: a subscriber sets quiet hours in their own time zone; a request that arrives then is
delivered as usual but pushed silently (FCM, APNs, Web Push, to the stand-ins that check what the real services
check), and the sender's delivery trace says so. Outside quiet hours the push is loud as before."""

import json
from datetime import UTC, datetime

import pytest

from api.models import CallRequest
from device.models import DeliveryStep, QuietHours
from device.tests.test_push_sending import push_all, register
from lib.phones import normalise
from tests.helpers import REQUESTER

pytestmark = pytest.mark.django_db
NIGHT_IN_SEOUL = {"start": "22:00", "end": "07:00", "time_zone": "Asia/Seoul"}
SEOUL_MIDNIGHT_THIRTY = datetime(2026, 12, 8, 15, 30, tzinfo=UTC)  # 00:30 in Seoul, 15:30 in UTC
SEOUL_NOON = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
ANOTHER_REQUESTER = normalise("01010041005", "kr")  # a request of its own (one open request per pair)


def put(phone, body):
    return phone.put("/device/v1/quiet-hours", json.dumps(body), content_type="application/json")


def arriving_at(send, target, moment, requester=REQUESTER):
    sent = send(target, "please call", requester)
    CallRequest.objects.filter(pk=sent.pk).update(created_at=moment)
    return sent


@pytest.fixture
def key(issued_key):
    return issued_key[0]


def test_it_sets_shows_and_clears_quiet_hours(phone, target):
    assert phone.get("/device/v1/quiet-hours").json() == {"quiet_hours": None}

    response = put(phone, NIGHT_IN_SEOUL)

    assert response.status_code == 200 and response.json() == {"quiet_hours": NIGHT_IN_SEOUL}
    saved = QuietHours.objects.get(subscriber=target)
    assert (str(saved.start), str(saved.end), saved.time_zone) == ("22:00:00", "07:00:00", "Asia/Seoul")
    assert put(phone, {**NIGHT_IN_SEOUL, "end": "06:30"}).json()["quiet_hours"]["end"] == "06:30"
    assert QuietHours.objects.count() == 1
    assert put(phone, {}).json() == {"quiet_hours": None}
    assert not QuietHours.objects.exists()
    put(phone, NIGHT_IN_SEOUL)
    assert phone.delete("/device/v1/quiet-hours").json() == {"quiet_hours": None}
    assert not QuietHours.objects.exists()
    assert phone.put("/device/v1/quiet-hours").json() == {"reason": "invalid quiet hours"}  # no body: not a clear


@pytest.mark.parametrize(
    "body",
    [
        {**NIGHT_IN_SEOUL, "time_zone": "Mars/Olympus"},
        {**NIGHT_IN_SEOUL, "time_zone": "KST"},
        {**NIGHT_IN_SEOUL, "start": "25:00"},
        {**NIGHT_IN_SEOUL, "end": "7:00"},
        {"start": "22:00", "end": "07:00"},
        {**NIGHT_IN_SEOUL, "sound": "off"},
        ["22:00", "07:00"],
    ],
)
def test_it_refuses_bad_quiet_hours_keeping_the_old_ones(phone, target, body):
    put(phone, NIGHT_IN_SEOUL)

    response = put(phone, body)

    assert response.status_code == 400 and response.json() == {"reason": "invalid quiet hours"}
    assert phone.get("/device/v1/quiet-hours").json() == {"quiet_hours": NIGHT_IN_SEOUL}


def test_it_pushes_fcm_silently_inside_quiet_hours_and_loudly_outside(phone, push_standin, key, target, send):
    register(push_standin, key, "fcm")
    put(phone, NIGHT_IN_SEOUL)
    quiet = arriving_at(send, target, SEOUL_MIDNIGHT_THIRTY)
    loud = arriving_at(send, target, SEOUL_NOON, ANOTHER_REQUESTER)

    push_all(target)

    sent = {received["message"]["data"]["call_request_id"]: received["message"] for received in push_standin.received}
    assert sent[quiet.public_id]["android"]["priority"] == "NORMAL"
    assert sent[quiet.public_id]["android"]["notification"] == {
        "tag": quiet.public_id,
        "channel_id": "call_requests_quiet",
        "notification_priority": "PRIORITY_LOW",
        "default_sound": False,
    }
    assert sent[quiet.public_id]["data"]["quiet"] == "1"
    assert sent[quiet.public_id]["notification"] == {"title": REQUESTER.e164, "body": "please call"}  # still shown
    assert sent[loud.public_id]["android"]["priority"] == "HIGH"
    assert sent[loud.public_id]["android"]["notification"]["channel_id"] == "call_requests"
    assert "quiet" not in sent[loud.public_id]["data"]
    assert DeliveryStep.trace_of(quiet.pk)[0]["quiet"] is True
    assert "quiet" not in DeliveryStep.trace_of(loud.pk)[0]


def test_it_pushes_apns_as_passive_without_sound_inside_quiet_hours(phone, push_standin, key, target, send):
    register(push_standin, key, "apns")
    put(phone, NIGHT_IN_SEOUL)
    quiet = arriving_at(send, target, SEOUL_MIDNIGHT_THIRTY)
    loud = arriving_at(send, target, SEOUL_NOON, ANOTHER_REQUESTER)

    push_all(target)

    sent = {received["payload"]["call_request_id"]: received for received in push_standin.received}
    assert sent[quiet.public_id]["payload"]["aps"] == {
        "alert": {"title": REQUESTER.e164, "body": "please call"},
        "interruption-level": "passive",
    }
    assert sent[quiet.public_id]["headers"]["apns-priority"] == "5"
    assert sent[loud.public_id]["payload"]["aps"]["sound"] == "default"
    assert sent[loud.public_id]["payload"]["aps"]["interruption-level"] == "time-sensitive"
    assert sent[loud.public_id]["headers"]["apns-priority"] == "10"
    assert [step.quiet for step in DeliveryStep.objects.order_by("call_request_id")] == [True, False]


def test_it_pushes_web_push_with_silent_true_inside_quiet_hours(phone, push_standin, key, target, send):
    register(push_standin, key, "webpush")
    put(phone, {"start": "15:00", "end": "16:00", "time_zone": "UTC"})
    quiet = arriving_at(send, target, SEOUL_MIDNIGHT_THIRTY)  # 15:30 in UTC
    loud = arriving_at(send, target, SEOUL_NOON, ANOTHER_REQUESTER)

    push_all(target)

    sent = {received["payload"]["call_request_id"]: received for received in push_standin.received}
    assert sent[quiet.public_id]["payload"]["silent"] is True
    assert sent[quiet.public_id]["headers"]["urgency"] == "normal"
    assert "silent" not in sent[loud.public_id]["payload"]
    assert sent[loud.public_id]["headers"]["urgency"] == "high"


def test_it_delivers_a_quiet_request_to_the_list_as_usual(phone, target, send):
    put(phone, NIGHT_IN_SEOUL)
    quiet = arriving_at(send, target, SEOUL_MIDNIGHT_THIRTY)

    listed = phone.get("/device/v1/call-requests").json()

    assert [found["id"] for found in listed["call_requests"]] == [quiet.public_id]
