"""Test mode's magic numbers, played by a real worker process (`manage.py run_huey`) through the real state machine,
with their webhooks signed and delivered to a real receiver: answered and declined about 2 s after the request,
delivered but never answered, never delivered; the last two expire after the magic TTL (shortened here to 3 s).
A cancel stops the play. The API's calls go through the test client, the worker shares the test database."""

import json
import time

import pytest
from standardwebhooks import Webhook

from accounts.models import ApiToken
from api import testmode
from api.models import CallRequest
from tests.workers import wait_until
from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

OUTCOME = {outcome.code: outcome for outcome in testmode.OUTCOMES}
# What each magic outcome goes through, and the webhooks it sends, in order.
EXPECTED = {
    "answered": ["pending", "delivered", "seen", "answered"],
    "declined": ["pending", "delivered", "seen", "declined"],
    "unanswered": ["pending", "delivered", "expired"],
    "phone_off": ["pending", "expired"],
}
EVENT = {"pending": "call_request.created"} | {state: f"call_request.{state}" for state in CallRequest.OPEN_STATES[1:]}


def event_type(state):
    return EVENT.get(state, f"call_request.{state}")


@pytest.fixture
def test_token(developer):
    token, plaintext = ApiToken.issue(developer, "Test", "localhost", test=True)
    return token, plaintext


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def callback(client, plaintext, outcome, requester="01010041004"):
    response = client.get(f"/{plaintext}/callback/{requester}/kr/{outcome.national_number}/kr/test%20me")
    assert response.status_code == 200, response.content
    return response


def states(call_request):
    return [state for state, _at in CallRequest.objects.get(pk=call_request.pk).history()]


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_magic_number_plays_its_outcome_with_its_webhooks(
    client, workers, test_token, receiver, monkeypatch, code
):
    monkeypatch.setattr(testmode, "MAGIC_TTL_SECONDS", 3)
    token, plaintext = test_token
    _endpoint, secret = WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)
    token.refresh_from_db()
    workers.start()
    sent = time.monotonic()
    response = callback(client, plaintext, OUTCOME[code])
    body = json.loads(response.content)
    assert body == {
        "result": "success",
        "opname": testmode.MAGIC_OPERATOR,
        "iso": "kr",
        "phone_number": OUTCOME[code].national_number,
    }
    call_request = CallRequest.objects.get(public_id=response["X-Call-Request-Id"])
    assert call_request.target.is_test and call_request.developer == token.owner

    final = EXPECTED[code][-1]
    wait_until(lambda: CallRequest.objects.get(pk=call_request.pk).state == final, 15, f"the request to be {final}")
    took = time.monotonic() - sent
    assert states(call_request) == EXPECTED[code]
    if final in ("answered", "declined"):
        assert 1.5 <= took <= 5, f"{final} after {took:.1f} s, not about 2 s"
    else:
        assert took >= 3  # not before the (shortened) magic TTL

    received = receiver.wait_for(len(EXPECTED[code]))
    verified = [Webhook(secret).verify(request.body, request.headers) for request in received]
    assert [event["type"] for event in verified] == [event_type(state) for state in EXPECTED[code]]
    assert {event["data"]["id"] for event in verified} == {call_request.public_id}
    assert verified[-1]["data"]["state"] == final

    status = json.loads(client.get(f"/{plaintext}/status/{call_request.public_id}").content)
    assert status["state"] == final and [step["state"] for step in status["history"]] == EXPECTED[code]


def test_a_cancel_stops_the_magic_number_before_its_answer(client, workers, test_token):
    _token, plaintext = test_token
    workers.start()
    outcome = OUTCOME["answered"]
    response = callback(client, plaintext, outcome)
    call_request = CallRequest.objects.get(public_id=response["X-Call-Request-Id"])
    cancelled = client.get(f"/{plaintext}/cancel/01010041004/kr/{outcome.national_number}/kr")
    assert json.loads(cancelled.content)["result"] == "success"
    time.sleep(3.5)  # past the moment it would have been answered
    assert states(call_request) in (["pending", "cancelled"], ["pending", "delivered", "cancelled"])


def test_the_same_magic_number_plays_for_two_developers_each_their_own(client, workers, test_token, outsider):
    _token, plaintext = test_token
    _theirs, their_plaintext = ApiToken.issue(outsider, "Theirs", "localhost", test=True)
    workers.start()
    outcome = OUTCOME["declined"]
    mine = CallRequest.objects.get(public_id=callback(client, plaintext, outcome)["X-Call-Request-Id"])
    theirs = CallRequest.objects.get(public_id=callback(client, their_plaintext, outcome)["X-Call-Request-Id"])
    assert mine.pk != theirs.pk and mine.target_id == theirs.target_id
    wait_until(lambda: CallRequest.objects.filter(state="declined").count() == 2, 15, "both to be declined")
    assert CallRequest.objects.get(pk=mine.pk).developer != CallRequest.objects.get(pk=theirs.pk).developer
