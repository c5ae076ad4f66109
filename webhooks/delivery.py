"""At-least-once delivery of the outbox: fan an event out to its endpoints, attempt each delivery, retry with
backoff, and put back what a dead worker dropped. The database is the truth; the task queue only runs it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webhooks import notify, sender, signing
from webhooks.models import EventType, ManualSend, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)
State = WebhookDelivery.State
# A delivery waiting for a place in its endpoint's lane, or for an earlier event of its call request, is released
# at once by the attempt that frees it (release()); this is only the fallback, should that release be lost.
PARKED_SECONDS = 5
# How many parked deliveries of a lane an ended attempt looks at for one whose cause has cleared (one query each);
# one further down waits for its PARKED_SECONDS fallback.
RELEASE_LOOKS = 100


def dispatch(event_id):
    """Creates the event's deliveries (one per enabled endpoint listening to it), once; returns their IDs."""
    now = timezone.now()
    with transaction.atomic():
        if not WebhookEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(dispatched_at=now):
            return []  # dispatched already (a sweeper and the enqueue after commit may both get here)
        event = WebhookEvent.objects.select_related("token").get(pk=event_id)
        endpoints = WebhookEndpoint.objects.for_token(event.token).listening_to(event.type)
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now) for endpoint in endpoints],
            ignore_conflicts=True,
        )
    return list(event.deliveries.filter(state=State.PENDING).values_list("pk", flat=True))


def send_test_event(endpoint):
    """A webhook.test event to this one endpoint; returns its delivery."""
    data = {"endpoint": endpoint.public_id, "message": "This is a test event from CallbackNow."}
    with transaction.atomic():
        event = WebhookEvent.record(endpoint.token, EventType.TEST, data)
        WebhookEvent.objects.filter(pk=event.pk).update(dispatched_at=event.created_at)
        return WebhookDelivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=event.created_at)


def resend(deliveries):
    """Puts deliveries back in the queue for a new attempt now (their webhook-id stays); returns their IDs."""
    now = timezone.now()
    ids = list(deliveries.exclude(state=State.DELIVERING).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(state=State.PENDING, next_attempt_at=now, lease_until=None)
    return ids


def attempt(delivery_id):
    """One attempt of a delivery if it is due and nobody else holds it. Returns the seconds until it should be
    tried again (a retry, or an earlier event of the same call request still on its way), or None."""
    return _attempt(delivery_id)[0]


def attempt_and_release(delivery_id):
    """One attempt, then, if it ended (was sent, or given up), the deliveries of its lane it held back, made due
    now: (seconds until it should be tried again or None, IDs to enqueue). A delivery that only parked releases
    nothing: it freed no place, and releasing itself would send it round again at once, on and on."""
    delay, ended = _attempt(delivery_id)
    return delay, release(delivery_id) if ended else []


def _attempt(delivery_id):
    """(delay as attempt() returns it, whether an attempt ended: sent, or finished for a disabled endpoint)."""
    now = timezone.now()
    due = Q(state__in=[State.PENDING, State.RETRYING], next_attempt_at__lte=now)
    abandoned = Q(state=State.DELIVERING, lease_until__lt=now)  # its worker died mid-attempt
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 20)
    endpoint_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    if endpoint_id is None:
        return None, False
    with transaction.atomic():
        _lock_lane(endpoint_id)
        if not WebhookDelivery.objects.filter(due | abandoned, pk=delivery_id).update(
            state=State.DELIVERING, lease_until=lease
        ):
            return None, False
        delivery = WebhookDelivery.objects.select_related("event", "endpoint__token").get(pk=delivery_id)
        if delivery.endpoint.enabled and (_earlier_on_its_way(delivery) or _lane_full(delivery, now)):
            # Parked under the lane's lock: the attempt that frees it releases it (release()) at once.
            WebhookDelivery.objects.filter(pk=delivery_id).update(
                state=State.PENDING, next_attempt_at=now + timedelta(seconds=PARKED_SECONDS), lease_until=None
            )
            return PARKED_SECONDS, False
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.enabled:
        _finish(delivery, now, sender.Result(error="endpoint disabled"), final=True)
        return None, True
    # The timestamp is the attempt's, as the specification has it: a receiver refuses one older than 5 minutes,
    # so a retry or a resend signed with the event's own time would never be accepted.
    timestamp = int(now.timestamp())
    headers = {
        "webhook-id": event.public_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            endpoint.secrets_in_force(), event.public_id, timestamp, event.body
        ),
    }
    result = sender.post(endpoint.url, event.body, headers)
    return _finish(delivery, now, result), True


def _lock_lane(endpoint_id):
    """Takes the endpoint's row lock (PostgreSQL; SQLite has one writer at a time anyway): a delivery decides to
    park, and an attempt that ends releases the parked ones, one at a time, so that none is parked unseen."""
    WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).values_list("pk", flat=True).first()


def _lane_full(delivery, now):
    """Whether the endpoint already has WEBHOOK_IN_FLIGHT_PER_ENDPOINT attempts in flight: a slow endpoint then waits
    in its own lane instead of holding every worker thread."""
    in_flight = WebhookDelivery.objects.filter(
        endpoint_id=delivery.endpoint_id, state=State.DELIVERING, lease_until__gte=now
    ).exclude(pk=delivery.pk)
    return in_flight.count() >= settings.WEBHOOK_IN_FLIGHT_PER_ENDPOINT


def release(delivery_id):
    """After an attempt ended: the IDs of the deliveries of its endpoint parked for a place in the lane or for an
    earlier event, whose cause has cleared (no earlier event of their request still queued or in flight there), as
    many as have a place now, earliest event first, made due now; never the given one. The caller enqueues them."""
    endpoint_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    if endpoint_id is None:
        return []
    now = timezone.now()
    with transaction.atomic():
        _lock_lane(endpoint_id)
        lane = WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        free = (
            settings.WEBHOOK_IN_FLIGHT_PER_ENDPOINT - lane.filter(state=State.DELIVERING, lease_until__gte=now).count()
        )
        if free <= 0:
            return []
        parked = (
            lane.filter(state=State.PENDING, next_attempt_at__gt=now)
            .exclude(pk=delivery_id)
            .select_related("event")
            .order_by("event_id", "pk")
        )
        ids = []
        for waiting in parked[:RELEASE_LOOKS]:
            if len(ids) == free:
                break
            if not _earlier_on_its_way(waiting):
                ids.append(waiting.pk)
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids


def _earlier_on_its_way(delivery):
    """Whether an earlier event of the same call request is not fanned out yet, or is still being sent or queued to
    the same endpoint: it goes first, so that a receiver sees a request's changes in order (unless that one is
    retrying). Worker threads dispatch events side by side, so the earlier delivery may not exist yet; one
    statement, so that the earlier event's dispatch cannot commit between two looks."""
    if not delivery.event.subject:
        return False
    queued = Q(deliveries__endpoint=delivery.endpoint_id, deliveries__state__in=[State.PENDING, State.DELIVERING])
    return WebhookEvent.objects.filter(
        Q(dispatched_at__isnull=True) | queued,
        subject=delivery.event.subject,
        pk__lt=delivery.event_id,
    ).exists()


def _finish(delivery, started, result, final=False):
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=started,
        duration_ms=result.duration_ms,
        status=result.status,
        response_excerpt=result.excerpt,
        error=result.error,
    )
    count = delivery.attempt_count + 1
    endpoint = delivery.endpoint
    if result.succeeded:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=State.DELIVERED, attempt_count=count, delivered_at=now, lease_until=None, next_attempt_at=None
        )
        endpoint.record_success()
        return None
    delays = settings.WEBHOOK_RETRY_DELAYS
    if final or count > len(delays):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=State.FAILED, attempt_count=count, lease_until=None, next_attempt_at=None
        )
    else:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=State.RETRYING,
            attempt_count=count,
            lease_until=None,
            next_attempt_at=now + timedelta(seconds=delays[count - 1]),
        )
    if not final and endpoint.record_failure(now):
        notify.endpoint_disabled(endpoint)
    return None if final or count > len(delays) else delays[count - 1]


def overdue_work(grace_seconds):
    """(events to dispatch, deliveries to attempt) that their enqueue or their worker lost."""
    events = list(WebhookEvent.objects.undispatched(grace_seconds).values_list("pk", flat=True)[:1000])
    deliveries = list(WebhookDelivery.objects.overdue(grace_seconds).values_list("pk", flat=True)[:1000])
    return events, deliveries


def prune(older_than_days=None):
    """Deletes events (with their deliveries and attempts) older than the retention; returns how many."""
    days = settings.WEBHOOK_RETENTION_DAYS if older_than_days is None else older_than_days
    old = WebhookEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    busy = WebhookDelivery.objects.filter(state__in=[State.PENDING, State.DELIVERING, State.RETRYING])
    deleted, _by_model = old.exclude(deliveries__in=busy).delete()
    ManualSend.objects.filter(created_at__lt=timezone.now() - ManualSend.WINDOW).delete()  # counted no more
    return deleted
