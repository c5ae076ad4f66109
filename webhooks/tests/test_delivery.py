"""Delivery of the outbox to a real receiver on localhost: signed per Standard Webhooks (checked with the
standardwebhooks package, as a receiver would), retried with backoff, in order, failing endpoints disabled."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from api.models import CallRequest
from lib.phones import normalise
from webhooks import delivery
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTER = normalise("01010041004", "kr")
ALL_EVENTS = [
    "call_request.created",
    "call_request.delivered",
    "call_request.seen",
    "call_request.answered",
    "call_request.declined",
    "call_request.cancelled",
    "call_request.expired",
]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(token, receiver):
    return WebhookEndpoint.add(token, receiver.url, ALL_EVENTS)


def run_all():
    """Runs every due delivery now, as a worker would (the worker's own tests start real worker processes)."""
    for event_id in WebhookEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        delivery.dispatch(event_id)
    due = WebhookDelivery.objects.filter(state__in=["pending", "retrying"]).order_by("pk")
    for delivery_id in due.values_list("pk", flat=True):
        delivery.attempt(delivery_id)


def verified(received, secret):
    return Webhook(secret).verify(received.body, received.headers)


def test_it_signs_every_event_of_a_request_s_life_in_order(target, token, endpoint, receiver):
    endpoint, secret = endpoint
    call_request = CallRequest.request_call(REQUESTER, target, "please call", token)[0]
    call_request.mark_delivered()
    call_request.mark_seen()
    call_request.answer()
    run_all()

    received = receiver.wait_for(4)
    payloads = [verified(r, secret) for r in received]
    assert [p["type"] for p in payloads] == [
        "call_request.created",
        "call_request.delivered",
        "call_request.seen",
        "call_request.answered",
    ]
    answered = payloads[-1]["data"]
    assert answered["id"] == call_request.public_id and answered["state"] == "answered"
    assert [h["state"] for h in answered["history"]] == ["pending", "delivered", "seen", "answered"]
    assert answered["requester"] == {"number": "+821010041004", "country": "KR"}
    assert answered["target"] == {"number": "+821011111111", "country": "KR", "id": "airpagephone"}
    assert (answered["message"], answered["token"]) == ("please call", token.name)
    assert len({r.headers["webhook-id"] for r in received}) == 4


def test_it_writes_no_event_for_a_token_without_endpoints(target, token):
    CallRequest.request_call(REQUESTER, target, "hi", token)[0].mark_delivered()

    assert not WebhookEvent.objects.exists()


def test_it_sends_only_the_events_an_endpoint_listens_to(target, token, receiver):
    _endpoint, secret = WebhookEndpoint.add(token, receiver.url, ["call_request.answered"])
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    call_request.mark_delivered()
    call_request.answer()
    run_all()

    assert [verified(r, secret)["type"] for r in receiver.wait_for(1)] == ["call_request.answered"]


def test_it_retries_a_failed_delivery_with_the_same_webhook_id(target, token, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    endpoint, secret = endpoint
    receiver.status = 500
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()
    run_all()
    receiver.status = 204
    run_all()

    received = receiver.wait_for(3)
    assert len({r.headers["webhook-id"] for r in received}) == 1
    assert verified(received[-1], secret)["type"] == "call_request.created"
    deliveries = WebhookDelivery.objects.get()
    assert (deliveries.state, deliveries.attempt_count) == ("delivered", 3)
    assert list(WebhookAttempt.objects.values_list("status", "error")) == [
        (500, "HTTP 500"),
        (500, "HTTP 500"),
        (204, ""),
    ]


def test_it_waits_by_the_schedule_and_gives_up_after_the_last_attempt(target, token, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = [5, 300]
    receiver.status = 503
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()
    first = WebhookDelivery.objects.get()
    assert first.state == "retrying"
    assert timedelta(seconds=4) < first.next_attempt_at - timezone.now() <= timedelta(seconds=5)
    run_all()  # not due yet: nothing sent
    assert len(receiver.received) == 1

    for _ in range(2):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        run_all()

    assert WebhookDelivery.objects.get().state == "failed"
    assert len(receiver.received) == 3


def test_it_signs_with_both_secrets_during_a_roll(target, token, endpoint, receiver):
    endpoint, old = endpoint
    new = endpoint.roll_secret(overlap_seconds=3600)
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()

    received = receiver.wait_for(1)[0]
    assert received.headers["webhook-signature"].count("v1,") == 2
    assert verified(received, old)["type"] == verified(received, new)["type"] == "call_request.created"


def test_it_signs_with_the_new_secret_alone_after_the_overlap(target, token, endpoint, receiver):
    endpoint, old = endpoint
    new = endpoint.roll_secret(overlap_seconds=0)
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()

    received = receiver.wait_for(1)[0]
    assert verified(received, new)
    with pytest.raises(Exception, match="No matching signature"):
        verified(received, old)


def test_it_writes_no_event_when_the_change_rolls_back(target, token, endpoint, receiver):
    from django.db import transaction

    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        call_request.mark_delivered()
        raise RuntimeError("the change fails after its event was written")
    run_all()

    assert [json.loads(r.body)["type"] for r in receiver.wait_for(1)] == ["call_request.created"]
    assert CallRequest.objects.get().state == "pending"


def test_it_disables_an_endpoint_failing_for_three_days_and_mails_its_developer(target, token, endpoint, receiver):
    endpoint, _secret = endpoint
    receiver.status = 500
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=3, seconds=1))
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_because) == (False, "failing")
    token.refresh_from_db()
    assert token.webhook_event_types == []
    assert len(mail.outbox) == 1 and endpoint.url in mail.outbox[0].body
    assert "웹훅 엔드포인트가 사용 중지되었습니다" in mail.outbox[0].subject
    assert "A webhook endpoint was disabled" in mail.outbox[0].subject


def test_it_keeps_a_failing_endpoint_until_three_days_have_passed(target, token, endpoint, receiver):
    endpoint, _secret = endpoint
    receiver.status = 500
    CallRequest.request_call(REQUESTER, target, "hi", token)
    run_all()

    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is not None
    receiver.status = 200
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    run_all()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_it_puts_back_a_delivery_whose_worker_died_mid_attempt(target, token, endpoint, receiver):
    endpoint, secret = endpoint
    CallRequest.request_call(REQUESTER, target, "hi", token)
    event_id = WebhookEvent.objects.get().pk
    [delivery_id] = delivery.dispatch(event_id)
    WebhookDelivery.objects.filter(pk=delivery_id).update(state="delivering", lease_until=timezone.now())

    events, deliveries = delivery.overdue_work(grace_seconds=0)
    assert (events, deliveries) == ([], [delivery_id])
    delivery.attempt(delivery_id)

    assert verified(receiver.wait_for(1)[0], secret)["type"] == "call_request.created"


def test_it_finds_an_event_whose_enqueue_was_lost(target, token, endpoint):
    CallRequest.request_call(REQUESTER, target, "hi", token)
    WebhookEvent.objects.update(created_at=timezone.now() - timedelta(minutes=1))

    assert delivery.overdue_work(grace_seconds=30)[0] == [WebhookEvent.objects.get().pk]


def test_it_holds_an_event_back_while_an_earlier_one_of_its_request_is_not_fanned_out(
    target, token, endpoint, receiver
):
    endpoint, secret = endpoint
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]
    call_request.mark_delivered()
    created, delivered = WebhookEvent.objects.order_by("pk")
    [later] = delivery.dispatch(delivered.pk)  # a second worker thread got to the later event first

    assert delivery.attempt(later) == delivery.PARKED_SECONDS
    assert receiver.received == []
    run_all()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    run_all()

    assert [verified(r, secret)["type"] for r in receiver.wait_for(2)] == [
        "call_request.created",
        "call_request.delivered",
    ]
