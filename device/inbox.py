"""A subscriber's call requests as their phone sees them: the open ones, their delivery, and waiting for a change.

Waiting is woken by notification (device.hub): a change committed through any server process or machine wakes
the phones of its subscriber, which then read the database; no transaction is held while waiting.
"""

import hashlib
import time

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from api.models import CallRequest
from device import payloads
from device.held import in_thread
from device.hub import HUB


def cursor(subscriber):
    """Changes whenever one of the subscriber's requests is created, refreshed, changes state or is deleted.

    One aggregate over the (target, -updated_at) index.
    """
    found = CallRequest.objects.for_subscriber(subscriber).aggregate(count=Count("*"), newest=Max("updated_at"))
    newest = found["newest"].isoformat() if found["newest"] else "-"
    return hashlib.blake2b(f"{found['count']}:{newest}".encode(), digest_size=8).hexdigest()


def topics(subscriber, key):
    """What wakes a phone's held connection (api.changes): its subscriber's changes, its key's revocation."""
    return {f"s:{subscriber.pk}", f"k:{key.pk}"}


async def wait_for_change(subscriber, key, since, wait):
    """Returns once the cursor differs from `since` (without one: from the cursor at the start), when a pending
    request waits for delivery or an open one expires, when the key is revoked, or after `wait` seconds, whichever
    comes first. Woken by notification (device.hub): no query while nothing of the subscriber's changes."""
    if not wait:
        return
    deadline = time.monotonic() + wait
    with HUB.waiting(topics(subscriber, key)) as waiter:  # first: a change from now on wakes it
        since, must_end_in = await in_thread(wait_plan, subscriber, since)
        if must_end_in is not None:
            deadline = min(deadline, time.monotonic() + must_end_in)
        while (left := deadline - time.monotonic()) > 0:
            fired = await waiter.wait(left)
            if f"k:{key.pk}" in fired or (fired and await in_thread(cursor, subscriber) != since):
                return


def wait_plan(subscriber, since):
    """(the cursor to wait from, the seconds until the wait must end anyway, or None): 0 when `since` is stale or
    a pending request waits for delivery; the time to the soonest expiry of an open request (an expiry changes
    the list without a change in the database)."""
    current = cursor(subscriber)
    since = since or current
    found = (
        CallRequest.objects.for_subscriber(subscriber)
        .open()
        .aggregate(pending=Count("pk", filter=Q(state=CallRequest.State.PENDING)), soonest=Min("expires_at"))
    )
    if since != current or found["pending"]:
        return since, 0
    if found["soonest"] is None:
        return since, None
    return since, (found["soonest"] - timezone.now()).total_seconds()


def listing(subscriber):
    """The long poll's answer: pending requests delivered, then the cursor (before listing: whatever happens after
    it ends the next wait) and the open requests."""
    deliver(subscriber)
    current = cursor(subscriber)
    return {"call_requests": [payloads.call_request(found) for found in open_requests(subscriber)], "cursor": current}


def changed_since(subscriber, since):
    """For the event stream: pending requests delivered and overdue ones expired, then (the requests updated after
    `since`, or the open ones without it, oldest change first with their histories; the seconds to the soonest
    expiry of an open one, or None)."""
    deliver(subscriber)
    CallRequest.objects.for_subscriber(subscriber).expire_due()
    mine = CallRequest.objects.for_subscriber(subscriber)
    listed = mine.filter(updated_at__gt=since) if since else mine.open()
    changed = list(listed.prefetch_related("changes").order_by("updated_at", "id"))
    soonest = mine.open().aggregate(soonest=Min("expires_at"))["soonest"]
    return changed, None if soonest is None else (soonest - timezone.now()).total_seconds()


def still_admitted(key):
    """Whether the key is still unrevoked and its subscriber active: a held connection ends when not."""
    return type(key).objects.filter(pk=key.pk, revoked_at__isnull=True, subscriber__active=True).exists()


def deliver(subscriber):
    """Marks the subscriber's pending requests delivered: the phone now has them."""
    for call_request in CallRequest.objects.for_subscriber(subscriber).pending():
        call_request.mark_delivered()


def open_requests(subscriber):
    """The subscriber's open requests, newest first, with their histories."""
    listed = CallRequest.objects.for_subscriber(subscriber).open().prefetch_related("changes")
    return listed.order_by("-created_at", "-id")


def own(subscriber, public_id):
    """The subscriber's request with this ID (moved to expired if it is past its expiry), or None."""
    found = CallRequest.objects.for_subscriber(subscriber).filter(public_id=public_id).first()
    if found is not None and found.is_open and found.expires_at <= timezone.now():
        found.change_to(CallRequest.State.EXPIRED, refuse=False)
    return found
