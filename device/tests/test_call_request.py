"""GET /device/v1/call-requests/<id>: one of the subscriber's own call requests, in any state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import CallRequest

pytestmark = pytest.mark.django_db


def test_it_shows_the_request_with_its_requester_and_history(phone, send, target):
    call_request = send(target, "콜백 부탁드립니다")
    call_request.mark_delivered()
    call_request.refresh_from_db()

    response = phone.get(f"/device/v1/call-requests/{call_request.public_id}")

    assert response.status_code == 200
    shown = response.json()["call_request"]
    assert shown["id"] == call_request.public_id
    assert shown["state"] == "delivered"
    assert shown["requester"] == {"number": "+821010041004", "national_number": "01010041004", "country": "KR"}
    assert shown["message"] == "콜백 부탁드립니다"
    assert "콜백 부탁드립니다".encode() in response.content  # UTF-8, not \u escapes
    assert [step["state"] for step in shown["history"]] == ["pending", "delivered"]
    assert shown["created_at"].endswith("Z") and shown["updated_at"] >= shown["created_at"]
    assert shown["expires_at"] > shown["updated_at"]


def test_it_shows_a_closed_request_too(phone, send, target):
    call_request = send(target)
    call_request.answer()

    shown = phone.get(f"/device/v1/call-requests/{call_request.public_id}").json()["call_request"]

    assert shown["state"] == "answered"
    assert [step["state"] for step in shown["history"]] == ["pending", "answered"]


def test_it_shows_a_request_past_its_expiry_as_expired(phone, send, target):
    call_request = send(target)
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    shown = phone.get(f"/device/v1/call-requests/{call_request.public_id}").json()["call_request"]

    assert shown["state"] == "expired"
    call_request.refresh_from_db()
    assert call_request.state == "expired"


def test_it_knows_nothing_of_another_subscriber_s_request(phone, send, other_subscriber):
    theirs = send(other_subscriber)

    for path in [f"/device/v1/call-requests/{theirs.public_id}", "/device/v1/call-requests/cr_nosuchrequest"]:
        response = phone.get(path)
        assert (response.status_code, response.json()) == (404, {"reason": "unknown call request"}), path


def test_it_takes_get_only(phone, send, target):
    call_request = send(target)

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}")

    assert (response.status_code, response["Allow"], response.json()) == (405, "GET", {"reason": "method not allowed"})
