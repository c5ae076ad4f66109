"""POST /device/v1/call-requests/<id>/answer: the subscriber calls the requester back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import CallRequest

pytestmark = pytest.mark.django_db


def states(call_request):
    return [state for state, _at in CallRequest.objects.get(pk=call_request.pk).history()]


def test_it_answers_a_seen_request(phone, send, target):
    call_request = send(target)
    call_request.mark_delivered()
    call_request.mark_seen()

    response = phone.post(
        f"/device/v1/call-requests/{call_request.public_id}/answer", data="ignored body", content_type="text/plain"
    )

    assert response.status_code == 200
    assert response.json()["call_request"]["state"] == "answered"
    assert states(call_request) == ["pending", "delivered", "seen", "answered"]


def test_it_refuses_a_second_answer_with_the_reason(phone, send, target):
    call_request = send(target)
    phone.post(f"/device/v1/call-requests/{call_request.public_id}/answer")

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/answer")

    assert (response.status_code, response.json()) == (409, {"reason": "call request is answered"})


def test_it_refuses_a_request_past_its_expiry(phone, send, target):
    call_request = send(target)
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/answer")

    assert (response.status_code, response.json()) == (409, {"reason": "call request is expired"})
    assert states(call_request) == ["pending", "expired"]


def test_it_knows_nothing_of_another_subscriber_s_request(phone, send, other_subscriber):
    theirs = send(other_subscriber)

    response = phone.post(f"/device/v1/call-requests/{theirs.public_id}/answer")

    assert (response.status_code, response.json()) == (404, {"reason": "unknown call request"})
    assert states(theirs) == ["pending"]


def test_it_takes_post_only(phone, send, target):
    call_request = send(target)

    response = phone.put(f"/device/v1/call-requests/{call_request.public_id}/answer")

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert states(call_request) == ["pending"]
