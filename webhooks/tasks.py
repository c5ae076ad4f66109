"""The webhooks' work on the task queue (Huey): dispatch, delivery and its retries, the sweeper, pruning."""

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from webhooks import delivery

log = logging.getLogger(__name__)


@db_task()
def dispatch_event(event_id):
    for delivery_id in delivery.dispatch(event_id):
        deliver(delivery_id)


@db_task()
def deliver(delivery_id):
    """One attempt; a retry (or a fallback for a delivery parked in its lane) is scheduled on the queue. The attempt's
    end releases at once what it held back: the next in its endpoint's lane, the next event of its call request (an
    attempt that only parked releases nothing)."""
    delay, released_ids = delivery.attempt_and_release(delivery_id)
    if delay is not None:
        deliver.schedule((delivery_id,), delay=delay)
    for released in released_ids:
        deliver(released)


@db_periodic_task(crontab(minute="*"))
def sweep():
    """Puts back what was lost between a commit and its enqueue, or with a worker that died mid-delivery."""
    events, deliveries = delivery.overdue_work(settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    for event_id in events:
        dispatch_event(event_id)
    for delivery_id in deliveries:
        deliver(delivery_id)
    if events or deliveries:
        log.info("Webhook sweeper put back %d event(s) and %d delivery(ies)", len(events), len(deliveries))


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_deliveries():
    delivery.prune()


def enqueue_dispatch(event_id):
    """After the event's transaction commits. A queue that does not answer loses nothing: the sweeper finds it."""
    try:
        dispatch_event(event_id)
    except Exception as exc:
        log.warning("Webhook event %s not enqueued (the sweeper will): %s: %s", event_id, type(exc).__name__, exc)


def enqueue_deliveries(delivery_ids):
    try:
        for delivery_id in delivery_ids:
            deliver(delivery_id)
    except Exception as exc:
        log.warning("Webhook deliveries not enqueued (the sweeper will): %s: %s", type(exc).__name__, exc)
