"""POST /device/v1/call-requests/<id>/seen: the subscriber opened the request on their phone."""

import pytest

from api.models import CallRequest
from tests.helpers import REQUESTER

pytestmark = pytest.mark.django_db


def states(call_request):
    return [state for state, _at in CallRequest.objects.get(pk=call_request.pk).history()]


def test_it_marks_a_delivered_request_seen(phone, send, target):
    call_request = send(target)
    call_request.mark_delivered()

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/seen")

    assert response.status_code == 200
    shown = response.json()["call_request"]
    assert (shown["id"], shown["state"]) == (call_request.public_id, "seen")
    assert [step["state"] for step in shown["history"]] == ["pending", "delivered", "seen"]
    assert states(call_request) == ["pending", "delivered", "seen"]


def test_it_changes_nothing_when_opened_again(phone, send, target):
    call_request = send(target)
    first = phone.post(f"/device/v1/call-requests/{call_request.public_id}/seen").json()

    again = phone.post(f"/device/v1/call-requests/{call_request.public_id}/seen")

    assert again.status_code == 200
    assert again.json() == first
    assert states(call_request) == ["pending", "seen"]


def test_it_refuses_a_cancelled_request_with_the_reason(phone, send, target, token):
    call_request = send(target)
    CallRequest.cancel_open(REQUESTER, target, token)

    response = phone.post(f"/device/v1/call-requests/{call_request.public_id}/seen")

    assert (response.status_code, response.json()) == (409, {"reason": "call request is cancelled"})
    assert states(call_request) == ["pending", "cancelled"]


def test_it_knows_nothing_of_another_subscriber_s_request(phone, send, other_subscriber):
    theirs = send(other_subscriber)

    response = phone.post(f"/device/v1/call-requests/{theirs.public_id}/seen")

    assert (response.status_code, response.json()) == (404, {"reason": "unknown call request"})
    assert states(theirs) == ["pending"]


def test_it_takes_post_only(phone, send, target):
    call_request = send(target)

    response = phone.get(f"/device/v1/call-requests/{call_request.public_id}/seen")

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert states(call_request) == ["pending"]
