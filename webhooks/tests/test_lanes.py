"""Fair webhooks, with real worker processes and real receivers: a slow endpoint waits in its own lane (at most
WEBHOOK_IN_FLIGHT_PER_ENDPOINT attempts in flight) and never delays another account's delivery; the events of a
request go out in order, each released by the end of the one before it, not by a recheck a second later."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from standardwebhooks import Webhook

from accounts.models import ApiToken
from api.models import CallRequest
from lib.phones import normalise
from tests.workers import wait_until
from webhooks import delivery, tasks
from webhooks.models import CALL_REQUEST_EVENTS, WebhookDelivery, WebhookEndpoint
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTER = normalise("01010041004", "kr")
ONE_MINUTE = timedelta(minutes=1)


@pytest.fixture
def slow_and_fast():
    slow, fast = Receiver(delay=10), Receiver()
    yield slow, fast
    slow.stop()
    fast.stop()


def test_it_keeps_a_slow_endpoint_in_its_own_lane(workers, developer, outsider, slow_and_fast):
    slow, fast = slow_and_fast
    theirs = ApiToken.issue(developer, "Slow", "slow.example.com")[0]
    mine = ApiToken.issue(outsider, "Fast", "fast.example.com")[0]
    slow_endpoint = WebhookEndpoint.add(theirs, slow.url, CALL_REQUEST_EVENTS)[0]
    fast_endpoint = WebhookEndpoint.add(mine, fast.url, CALL_REQUEST_EVENTS)[0]
    workers.start(HUEY_WORKERS=4)  # without lanes the 12 slow tests would hold all four threads for 10 s

    tasks.enqueue_deliveries([delivery.send_test_event(slow_endpoint).pk for _ in range(12)])
    wait_until(lambda: len(slow.received) >= 2, 10, "the slow endpoint's first attempts")
    time.sleep(0.5)  # every thread has had time to take a slow test

    sent_at = time.monotonic()
    tasks.enqueue_deliveries([delivery.send_test_event(fast_endpoint).pk])
    received = fast.wait_for(1, timeout=15)
    assert received, "another account's delivery waited more than 15 s"
    arrived = received[0]

    assert arrived.at - sent_at < 1.0, f"another account's delivery waited {arrived.at - sent_at:.2f} s"
    assert len(slow.received) == 2  # two in flight; the other ten wait in the lane
    in_flight = WebhookDelivery.objects.filter(endpoint=slow_endpoint, state="delivering").count()
    assert in_flight == 2


def test_it_sends_the_next_in_the_lane_as_soon_as_one_ends(workers, developer, slow_and_fast):
    slow, _fast = slow_and_fast
    slow.delay = 1
    token = ApiToken.issue(developer, "Slow", "slow.example.com")[0]
    endpoint = WebhookEndpoint.add(token, slow.url, CALL_REQUEST_EVENTS)[0]
    workers.start()

    tasks.enqueue_deliveries([delivery.send_test_event(endpoint).pk for _ in range(4)])
    received = slow.wait_for(4, timeout=15)

    # Two at once, then the next two as the first two end: about one second later, not after a recheck.
    starts = sorted(request.at for request in received)
    assert starts[1] - starts[0] < 0.5 and 0.9 < starts[2] - starts[0] < 1.6, starts
    wait_until(lambda: not WebhookDelivery.objects.exclude(state="delivered").exists(), 10, "the deliveries")


def test_it_delivers_a_requests_quick_changes_in_order_each_within_two_seconds(workers, target, token):
    receiver = Receiver()
    try:
        _endpoint, secret = WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)
        workers.start()
        changes = []
        call_request = CallRequest.request_call(REQUESTER, target, "please call", token)[0]
        changes.append(time.monotonic())
        for change in (call_request.mark_delivered, call_request.mark_seen, call_request.answer):
            change()
            changes.append(time.monotonic())

        received = receiver.wait_for(4, timeout=10)
        types = [Webhook(secret).verify(request.body, request.headers)["type"] for request in received]
        assert types == [
            "call_request.created",
            "call_request.delivered",
            "call_request.seen",
            "call_request.answered",
        ]
        late = [request.at - changed for request, changed in zip(received, changes, strict=True)]
        assert max(late) < 2.0, late
    finally:
        receiver.stop()


def test_it_leaves_a_parked_event_parked_while_the_earlier_one_is_in_flight(target, token, receiver, monkeypatch):
    endpoint, secret = WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)
    call_request = CallRequest.request_call(REQUESTER, target, "please call", token)[0]
    call_request.mark_delivered()
    created, delivered = (delivery.dispatch(event_id)[0] for event_id in _events_in_order())
    # A slow endpoint has the first event in flight; the lane has room for the second.
    WebhookDelivery.objects.filter(pk=created).update(state="delivering", lease_until=timezone.now() + ONE_MINUTE)
    attempts = []
    real_attempt = delivery._attempt

    def counted(delivery_id):
        attempts.append(delivery_id)
        assert len(attempts) < 20, "the parked delivery keeps coming back"
        return real_attempt(delivery_id)

    monkeypatch.setattr(delivery, "_attempt", counted)
    monkeypatch.setattr(HUEY, "immediate", True)  # each task runs as it is enqueued, in this thread

    tasks.deliver(delivered)  # parks behind the first

    assert attempts == [delivered]
    assert WebhookDelivery.objects.get(pk=delivered).state == "pending"
    # Another delivery of the lane ends meanwhile: the first is still in flight, so the second stays parked.
    tasks.deliver(delivery.send_test_event(endpoint).pk)
    assert delivered not in attempts[1:]
    assert len(receiver.wait_for(1)) == 1

    # The first ends: the second goes out at once, behind it.
    WebhookDelivery.objects.filter(pk=created).update(state="pending", next_attempt_at=timezone.now(), lease_until=None)
    tasks.deliver(created)
    types = [Webhook(secret).verify(r.body, r.headers)["type"] for r in receiver.wait_for(3)]
    assert types == ["webhook.test", "call_request.created", "call_request.delivered"]
    assert WebhookDelivery.objects.get(pk=delivered).state == "delivered"


def _events_in_order():
    from webhooks.models import WebhookEvent

    return list(WebhookEvent.objects.order_by("pk").values_list("pk", flat=True))
