"""Test mode's magic numbers: each failure number answers its reason and nothing else happens; the magic outcomes'
call requests live MAGIC_TTL_SECONDS and a second callback refreshes the open one."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from accounts.models import ApiToken
from api import reasons, testmode
from api.models import ApiRequestLog, CallRequest, Subscriber
from tests.helpers import MY_ISO, MY_NUMBER, failed, seed_body

pytestmark = pytest.mark.django_db
POST_URL = "/callback/callback_api.php"


def queued():
    """Tasks waiting in the task queue (a delayed task waits there until a worker takes it at its time)."""
    return HUEY.pending_count() + HUEY.scheduled_count()


@pytest.fixture
def test_issued(developer):
    return ApiToken.issue(developer, "Test", "example.com", test=True)


def send(client, transport, plaintext, action, target, message="hello"):
    """(response, payload) of one call; by number for callback/cancel, by ID for the neo actions."""
    by_number = action in ("callback", "cancel")
    if transport == "post":
        body = seed_body(plaintext, action=action, msg=message, phonenumber=target, iso="kr" if by_number else "")
        response = client.post(
            POST_URL, body, content_type="application/json", headers={"Referer": "http://example.com/"}
        )
    else:
        parts = [plaintext, action, MY_NUMBER, MY_ISO, target] + (["kr"] if by_number else [])
        if action in ("callback", "neocallback"):
            parts.append(message)
        response = client.get("/" + "/".join(parts))
    return response, json.loads(response.content)


@pytest.mark.parametrize("transport", ["get", "post"])
@pytest.mark.parametrize("action", ["callback", "cancel"])
@pytest.mark.parametrize("failure", testmode.FAILURES, ids=lambda failure: failure.reason.code)
def test_it_answers_each_failure_number_with_its_reason(client, test_issued, failure, action, transport):
    token, plaintext = test_issued

    response, payload = send(client, transport, plaintext, action, failure.national_number)

    assert (response.status_code, payload) == (failure.reason.status, failed(failure.reason.text))
    assert response.content == json.dumps(failed(failure.reason.text), separators=(",", ":")).encode()
    if failure.reason is reasons.RATE_LIMITED:
        assert int(response["Retry-After"]) >= 1
    else:
        assert "Retry-After" not in response
    assert not CallRequest.objects.exists()
    assert not Subscriber.objects.exists()
    logged = ApiRequestLog.objects.get()
    assert (logged.token, logged.reason, logged.status) == (token, failure.reason.text, failure.reason.status)


def test_it_covers_every_failure_the_target_can_cause():
    """One magic number per reason, each its own, all in the reserved range below the test phones'."""
    covered = [failure.reason for failure in testmode.FAILURES]
    assert len(set(covered)) == len(covered)
    assert {reasons.RATE_LIMITED, reasons.SERVICE_UNAVAILABLE, reasons.TARGET_NOT_REGISTERED} <= set(covered)
    for failure in testmode.FAILURES:
        assert testmode.is_test_number(failure.number) and failure.number < testmode.FIRST_PHONE_NUMBER


@pytest.mark.parametrize("transport", ["get", "post"])
@pytest.mark.parametrize("action", ["neocallback", "neocancel"])
def test_it_finds_no_one_by_the_unregistered_magic_id(client, test_issued, action, transport):
    _token, plaintext = test_issued

    response, payload = send(client, transport, plaintext, action, testmode.UNREGISTERED_ID)

    reason = reasons.TARGET_ID_NOT_REGISTERED
    assert (response.status_code, payload) == (reason.status, failed(reason.text))
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("by", ["number", "id"])
@pytest.mark.parametrize("outcome", testmode.OUTCOMES, ids=lambda outcome: outcome.code)
def test_it_gives_a_magic_outcome_the_short_test_ttl(client, test_issued, outcome, by):
    token, plaintext = test_issued
    before = timezone.now()
    action, target = ("callback", outcome.national_number) if by == "number" else ("neocallback", outcome.public_id)

    response, payload = send(client, "get", plaintext, action, target)

    assert (response.status_code, payload) == (
        200,
        {"result": "success", "opname": testmode.MAGIC_OPERATOR, "iso": "kr", "phone_number": outcome.national_number},
    )
    request = CallRequest.objects.get()
    assert (request.target.number, request.token, request.state) == (outcome.number, token, CallRequest.State.PENDING)
    ttl = timedelta(seconds=testmode.MAGIC_TTL_SECONDS)
    assert before + ttl <= request.expires_at <= timezone.now() + ttl


def test_it_refreshes_an_open_magic_request_rather_than_making_another(client, test_issued):
    _token, plaintext = test_issued
    outcome = testmode.OUTCOMES[0]
    send(client, "get", plaintext, "callback", outcome.national_number, message="first")
    first = CallRequest.objects.get()
    scheduled = queued()
    CallRequest.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(seconds=5))

    response, payload = send(client, "post", plaintext, "neocallback", outcome.public_id, message="second")

    assert (response.status_code, payload["result"]) == (200, "success")
    again = CallRequest.objects.get()
    assert (again.pk, again.public_id, again.message) == (first.pk, first.public_id, "second")
    assert again.expires_at >= timezone.now() + timedelta(seconds=testmode.MAGIC_TTL_SECONDS - 5)
    assert queued() == scheduled  # the outcome is not played a second time


def test_it_schedules_each_step_of_a_new_magic_request_and_its_expiry_once_the_call_commits(
    client, test_issued, django_capture_on_commit_callbacks
):
    _token, plaintext = test_issued
    outcome = testmode.OUTCOMES[0]
    scheduled = queued()

    with django_capture_on_commit_callbacks(execute=True):
        send(client, "get", plaintext, "callback", outcome.national_number)
        assert queued() == scheduled  # nothing played before the call request is committed

    assert queued() == scheduled + len(outcome.steps) + 1


def test_it_keeps_two_developers_magic_requests_apart(client, test_issued, outsider):
    """The magic numbers are everyone's: each developer's request to one is their own, and so is its cancel."""
    mine, my_plaintext = test_issued
    theirs, their_plaintext = ApiToken.issue(outsider, "Their test", "example.com", test=True)
    outcome = testmode.OUTCOMES[2]
    send(client, "get", their_plaintext, "callback", outcome.national_number)

    response, payload = send(client, "post", my_plaintext, "cancel", outcome.national_number)

    assert (response.status_code, payload) == (409, failed(reasons.NOTHING_PENDING.text))
    send(client, "get", my_plaintext, "neocallback", outcome.public_id)
    assert send(client, "get", my_plaintext, "neocancel", outcome.public_id)[1]["result"] == "success"
    states = dict(CallRequest.objects.values_list("token", "state"))
    assert states == {theirs.pk: CallRequest.State.PENDING, mine.pk: CallRequest.State.CANCELLED}
