"""POST /device/v1/call-requests/<id>/decline: the subscriber will not call back."""

import pytest

from api.models import CallRequest

pytestmark = pytest.mark.django_db


def states(call_request):
    return [state for state, _at in CallRequest.objects.get(pk=call_request.pk).history()]


def test_it_declines_a_delivered_request(phone, send, target):
    call_request = send(target)
    call_request.mark_delivered()

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/decline")

    assert response.status_code == 200
    assert response.json()["call_request"]["state"] == "declined"
    assert states(call_request) == ["pending", "delivered", "declined"]


def test_it_refuses_an_answered_request_with_the_reason(phone, send, target):
    call_request = send(target)
    call_request.answer()

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/decline")

    assert (response.status_code, response.json()) == (409, {"reason": "call request is answered"})
    assert states(call_request) == ["pending", "answered"]


def test_it_knows_nothing_of_another_subscriber_s_request(phone, send, other_subscriber):
    theirs = send(other_subscriber)

    response = phone.post(f"/device/v1/call-requests/{theirs.public_id}/decline")

    assert (response.status_code, response.json()) == (404, {"reason": "unknown call request"})
    assert states(theirs) == ["pending"]


def test_it_takes_post_only(phone, send, target):
    call_request = send(target)

    response = phone.get(f"/device/v1/call-requests/{call_request.public_id}/decline")

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert states(call_request) == ["pending"]
