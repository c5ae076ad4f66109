"""A subscriber's call requests as their phone sees them: the open ones, their delivery, and waiting for a change.

Waiting is woken by notification (device.hub): a change committed through any server process or machine wakes
the phones of its subscriber, which then read the database; no transaction is held while waiting.
"""

import hashlib
import time

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from api import changes
from api.models import CallRequest
from device import payloads
from device.held import in_thread, on_edge
from device.hub import EVERYTHING, HUB
from device.models import DeliveryStep


def cursor(subscriber):
    """Changes whenever one of the subscriber's requests is created, refreshed, changes state or is deleted.

    One aggregate over the (target, -updated_at) index.
    """
    found = CallRequest.objects.for_subscriber(subscriber).aggregate(count=Count("*"), newest=Max("updated_at"))
    newest = found["newest"].isoformat() if found["newest"] else "-"
    return hashlib.blake2b(f"{found['count']}:{newest}".encode(), digest_size=8).hexdigest()


def topics(subscriber, key):
    """What wakes a phone's held connection (api.changes): its call requests' changes, its subscriber's, its key's
    revocation."""
    return {f"s:{subscriber.pk}", f"a:{subscriber.pk}", f"k:{key.pk}"}


async def wait_for_change(subscriber, key, since, wait):
    """Returns once the cursor differs from `since` (without one: from the cursor at the start), when a pending
    request waits for delivery or an open one expires, when the key is revoked, or after `wait` seconds, whichever
    comes first. Woken by notification (device.hub): no query while nothing of the subscriber's changes."""
    if not wait:
        return
    deadline = time.monotonic() + wait
    with HUB.waiting(topics(subscriber, key)) as waiter:  # first: a change from now on wakes it
        found = await current(subscriber, key, waiter.name)
        if found["delivered"]:  # what was pending is on its way to the phone: answered at once
            return
        since = since or found["answer"]["cursor"]
        if found["soonest"] is not None:  # an expiry changes the list without a change in the database
            deadline = min(deadline, time.monotonic() + (found["soonest"] - timezone.now()).total_seconds())
        while found["answer"]["cursor"] == since and (left := deadline - time.monotonic()) > 0:
            fired = await waiter.wait(left)
            if fired & {f"k:{key.pk}", f"a:{subscriber.pk}", EVERYTHING} and not await in_thread(still_admitted, key):
                return
            if fired:
                found = await current(subscriber, key, waiter.name)


async def current(subscriber, key=None, origin=None):
    """The long poll's answer as it stands (snapshot()), from memory while nothing of the subscriber's changed
    and no listed request expired: an idle phone's next poll makes no query. Only on the phone servers
    (device.edge), where every change reaches the hub after its commit. `origin`: the held connection that
    reads it (the deliveries it makes do not wake it again)."""
    name = f"listing:{subscriber.pk}"
    found = HUB.recall(name) if on_edge.get() else None
    if found is None or (found["soonest"] is not None and found["soonest"] <= timezone.now()):
        generation = HUB.generation
        found = await in_thread(snapshot, subscriber, key, origin)
        HUB.remember(name, found, {f"s:{subscriber.pk}"}, generation)
    return found


def snapshot(subscriber, key=None, origin=None):
    """Pending requests delivered to `key`'s phone (on behalf of `origin`, its held connection), then {"answer": the
    cursor (before listing: whatever happens after it ends the next wait) and the open requests, "soonest": the
    soonest expiry among them, or None}."""
    with changes.originating(origin):
        delivered = deliver(subscriber, key, DeliveryStep.Path.LONG_POLL)
    current_cursor = cursor(subscriber)
    listed = list(open_requests(subscriber))
    return {
        "delivered": delivered,
        "answer": {"call_requests": [payloads.call_request(found) for found in listed], "cursor": current_cursor},
        "soonest": min((found.expires_at for found in listed), default=None),
    }


def changed_since(subscriber, since, key=None, origin=None, due=None):
    """For the event stream of `key`'s phone (`origin`: its name): pending requests delivered and overdue ones
    expired (unless `due`, the soonest expiry known, is still to come), then (the requests updated after `since`,
    or the open ones without it, oldest change first with their histories; the soonest expiry of an open one, or
    None)."""
    mine = CallRequest.objects.for_subscriber(subscriber)
    with changes.originating(origin):
        deliver(subscriber, key, DeliveryStep.Path.STREAM)
        if due is None or due <= timezone.now():
            mine.expire_due()
    listed = mine.filter(updated_at__gt=since) if since else mine.open()
    changed = list(listed.prefetch_related("changes").order_by("updated_at", "id"))
    return changed, mine.open().aggregate(soonest=Min("expires_at"))["soonest"]


def still_admitted(key):
    """Whether the key is still unrevoked and its subscriber active: a held connection ends when not."""
    return type(key).objects.filter(pk=key.pk, revoked_at__isnull=True, subscriber__active=True).exists()


def deliver(subscriber, key=None, path=None):
    """Marks the subscriber's pending requests delivered (the phone now has them), each with the path that handed it
    over in its delivery trace, in the change's transaction; returns how many."""
    delivered = 0
    for call_request in CallRequest.objects.for_subscriber(subscriber).pending():
        with transaction.atomic():
            if call_request.mark_delivered(path):
                delivered += 1
                if path:
                    DeliveryStep.objects.create(
                        call_request=call_request,
                        device_key=key,
                        path=path,
                        at=call_request.updated_at,
                        outcome="delivered",
                    )
    return delivered


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
