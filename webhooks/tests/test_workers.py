"""Webhooks delivered by real worker processes (`manage.py run_huey`) to real receivers on localhost: signed (each
request verified with the standardwebhooks package, as a receiver would), put back after a worker is killed
mid-delivery, retried while the receiver is down, unmoved by receivers that misbehave, silent for a change that
rolled back, and 1,000 events through two workers on PostgreSQL and Redis with none missing.

The workers share the test database (a file on SQLite) and the test's own queue (HUEY_NAME / HUEY_FILE); their
settings come from environment variables. Each lives at most WORKER_LIFETIME seconds (`timeout -s KILL`), is
killed at teardown, and its output is printed then (pytest shows it under the failure of a test that failed)."""

import signal
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks import Webhook

from api.models import CallRequest
from lib.phones import normalise
from tests.workers import wait_until
from webhooks.delivery import overdue_work
from webhooks.models import CALL_REQUEST_EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTER = normalise("01010041004", "kr")
NEXT_REQUESTER = normalise("01010041005", "kr")


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def subscribe(token, url):
    return WebhookEndpoint.add(token, url, CALL_REQUEST_EVENTS)


def verified_types(received, secret):
    """The event types of the requests received, each signature verified with the standardwebhooks package."""
    return [Webhook(secret).verify(request.body, request.headers)["type"] for request in received]


def delivery_of(call_request, event_type):
    return WebhookDelivery.objects.get(event__subject=call_request.public_id, event__type=event_type)


def state_of(call_request, event_type):
    """The state of the delivery of this event of the request (None before its dispatch)."""
    deliveries = WebhookDelivery.objects.filter(event__subject=call_request.public_id, event__type=event_type)
    return deliveries.values_list("state", flat=True).first()


def attempted(call_request):
    """Whether the delivery of the request's created event has had an attempt and is no longer held by it (a
    worker writes the attempt, then the delivery's new state)."""
    return state_of(call_request, "call_request.created") in ("retrying", "delivered", "failed")


def attempts_of(delivery):
    return list(delivery.attempts.values_list("status", "error"))


def test_it_delivers_each_change_of_a_request_signed_through_a_worker(workers, target, token, receiver):
    _endpoint, secret = subscribe(token, receiver.url)
    workers.start()
    call_request = CallRequest.request_call(REQUESTER, target, "please call", token)[0]
    call_request.mark_delivered()
    call_request.answer()

    received = receiver.wait_for(3)
    assert verified_types(received, secret) == [
        "call_request.created",
        "call_request.delivered",
        "call_request.answered",
    ]
    assert len({request.headers["webhook-id"] for request in received}) == 3
    wait_until(lambda: not WebhookDelivery.objects.exclude(state="delivered").exists(), 10, "the deliveries to close")
    assert list(WebhookAttempt.objects.values_list("status", flat=True)) == [200, 200, 200]


def test_it_delivers_again_with_the_same_webhook_id_after_its_worker_was_killed_mid_delivery(
    workers, target, token, receiver
):
    _endpoint, secret = subscribe(token, receiver.url)
    first = workers.start(WEBHOOK_TIMEOUT_SECONDS=2)  # the lease: this time budget and 20 s
    receiver.delay = 30  # holds the first attempt until the worker is gone
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    receiver.wait_for(1)
    delivery = delivery_of(call_request, "call_request.created")
    assert delivery.state == "delivering"

    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    receiver.delay = 0
    workers.start(WEBHOOK_TIMEOUT_SECONDS=2)
    assert overdue_work(grace_seconds=0)[1] == []  # its lease still runs: nobody may take it yet
    delivery.refresh_from_db()
    wait_until(lambda: timezone.now() > delivery.lease_until, 30, "the dead worker's lease to expire")
    call_command("webhooks_sweep")

    received = receiver.wait_for(2, timeout=15)
    assert len(received) == 2
    assert received[0].headers["webhook-id"] == received[1].headers["webhook-id"] == delivery.event.public_id
    assert verified_types(received, secret) == ["call_request.created", "call_request.created"]
    wait_until(lambda: state_of(call_request, "call_request.created") == "delivered", 10, "delivered")
    assert attempts_of(delivery) == [(200, "")]  # the killed attempt left no row: it never finished


def test_it_delivers_on_retry_once_the_receiver_is_back_with_every_attempt_logged(workers, target, token, closed_port):
    _endpoint, secret = subscribe(token, f"http://127.0.0.1:{closed_port}/hooks")
    workers.start(WEBHOOK_RETRY_DELAYS="1,1,1,1")
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    wait_until(lambda: WebhookAttempt.objects.count() >= 2, 15, "two attempts while the receiver is down")
    receiver = Receiver(port=closed_port)
    try:
        received = receiver.wait_for(1, timeout=15)
        assert verified_types(received, secret) == ["call_request.created"]
        delivery = delivery_of(call_request, "call_request.created")
        wait_until(lambda: state_of(call_request, "call_request.created") == "delivered", 10, "delivered")
    finally:
        receiver.stop()

    delivery.refresh_from_db()
    assert delivery.attempt_count == 3
    attempts = attempts_of(delivery)
    assert [status for status, _error in attempts] == [None, None, 200]
    assert all(error.startswith("connection failed: ") for _status, error in attempts[:2]), attempts
    assert len({request.headers["webhook-id"] for request in received}) == 1


MISBEHAVIOURS = {
    # name: (how the receiver answers, the attempt's (status, error) and what else it must show)
    "slow beyond the timeout": ({"delay": 3}, (None, "timed out after 1 s"), "retrying"),
    "a redirect": (
        {"status": 302, "location": "/hooks/moved"},
        (302, "redirect to /hooks/moved not followed"),
        "retrying",
    ),
    "a 500": ({"status": 500, "body": b"internal error"}, (500, "HTTP 500"), "retrying"),
    "a 10 MB answer": ({"body": b"x" * (10 * 1024 * 1024)}, (200, ""), "delivered"),
}


@pytest.mark.parametrize("misbehaviour", MISBEHAVIOURS, ids=list(MISBEHAVIOURS))
def test_it_records_a_receiver_that_misbehaves_and_goes_on_delivering(workers, target, token, receiver, misbehaviour):
    answer, expected_attempt, expected_state = MISBEHAVIOURS[misbehaviour]
    _endpoint, secret = subscribe(token, receiver.url)
    worker = workers.start(WEBHOOK_TIMEOUT_SECONDS=1)
    for name, value in answer.items():
        setattr(receiver, name, value)
    first = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    wait_until(lambda: attempted(first), 15, "the first attempt")

    delivery = delivery_of(first, "call_request.created")
    assert attempts_of(delivery) == [expected_attempt]
    assert delivery.state == expected_state
    attempt = delivery.attempts.get()
    assert attempt.duration_ms < 3000  # neither a slow answer nor a long one holds the worker past its budget
    if misbehaviour == "a 10 MB answer":
        assert attempt.response_excerpt == "x" * 2048
    assert [request.path for request in receiver.received] == ["/hooks"]  # a redirect is not followed

    assert worker.alive
    receiver.status, receiver.delay, receiver.body, receiver.location = 200, 0, b"ok", ""
    following = CallRequest.request_call(NEXT_REQUESTER, target, "hi", token)[0]
    wait_until(lambda: state_of(following, "call_request.created") == "delivered", 15, "the next event")
    assert verified_types(receiver.received, secret) == ["call_request.created", "call_request.created"]
    assert worker.alive


def test_it_refuses_an_endpoint_on_a_private_address_when_not_allowed_and_goes_on(workers, target, token, receiver):
    subscribe(token, f"https://127.0.0.1:{receiver.server.server_port}/hooks")
    worker = workers.start(WEBHOOK_ALLOW_PRIVATE_URLS="false")
    first = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    wait_until(lambda: attempted(first), 15, "the first attempt")
    assert worker.alive
    following = CallRequest.request_call(NEXT_REQUESTER, target, "hi", token)[0]
    wait_until(lambda: attempted(following), 15, "the next event's attempt")

    refused = (None, "refused: address in a private, loopback, link-local or reserved range")
    for call_request in (first, following):
        delivery = delivery_of(call_request, "call_request.created")
        assert (delivery.state, attempts_of(delivery)) == ("retrying", [refused])
    assert receiver.received == []
    assert worker.alive


def test_it_sends_nothing_for_a_change_whose_transaction_rolled_back(workers, target, token, receiver):
    _endpoint, secret = subscribe(token, receiver.url)
    workers.start()
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    receiver.wait_for(1)

    with pytest.raises(RuntimeError), transaction.atomic():
        call_request.change_to(CallRequest.State.CANCELLED)
        raise RuntimeError("the change fails after its event was written")
    call_request = CallRequest.objects.get()
    call_request.mark_delivered()  # committed after the rolled-back one: it arrives after it would have

    received = receiver.wait_for(2)
    assert verified_types(received, secret) == ["call_request.created", "call_request.delivered"]
    assert not WebhookEvent.objects.filter(type="call_request.cancelled").exists()
    assert call_request.state == "delivered"


@pytest.mark.skipif(
    not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="1,000 events through two workers needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); CI runs it there",
)
def test_it_delivers_a_thousand_events_through_two_workers_with_none_missing(workers, target, token, receiver):
    assert connection.vendor == "postgresql" and settings.HUEY["huey_class"] == "huey.RedisHuey"
    _endpoint, secret = subscribe(token, receiver.url)
    workers.start(2)
    started = time.monotonic()
    for n in range(500):
        call_request = CallRequest.request_call(normalise(f"0104{n:07d}", "kr"), target, "hi", token)[0]
        call_request.change_to(CallRequest.State.CANCELLED)
    expected = set(WebhookEvent.objects.values_list("public_id", flat=True))
    assert len(expected) == 1000

    received = receiver.wait_for(1000, timeout=60)
    seconds = time.monotonic() - started
    ids = [request.headers["webhook-id"] for request in received]
    duplicates = len(ids) - len(set(ids))
    print(f"1,000 events: {len(ids)} requests received in {seconds:.1f} s, {duplicates} duplicate(s)")
    assert set(ids) == expected, f"missing: {len(expected - set(ids))}"
    assert set(verified_types(received, secret)) == {"call_request.created", "call_request.cancelled"}
    wait_until(lambda: not WebhookDelivery.objects.exclude(state="delivered").exists(), 15, "every delivery closed")
