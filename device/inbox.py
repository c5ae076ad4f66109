"""A subscriber's call requests as their phone sees them: the open ones, their delivery, and waiting for a change.

Waiting polls the database, which every server process and machine shares: a request sent through any of
them ends the wait. No transaction is held while waiting, so each look sees what others have committed.
"""

import hashlib
import time

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from api.models import CallRequest

POLL_INTERVAL_SECONDS = 0.25


def cursor(subscriber):
    """Changes whenever one of the subscriber's requests is created, refreshed, changes state or is deleted.

    One aggregate over the (target, -updated_at) index: cheap enough to run four times a second per phone.
    """
    found = CallRequest.objects.for_subscriber(subscriber).aggregate(count=Count("*"), newest=Max("updated_at"))
    newest = found["newest"].isoformat() if found["newest"] else "-"
    return hashlib.blake2b(f"{found['count']}:{newest}".encode(), digest_size=8).hexdigest()


def wait_for_change(subscriber, since, wait):
    """Returns once the cursor differs from `since` (without one: from the cursor at the start), when a pending
    request waits for delivery or an open one expires, or after `wait` seconds, whichever comes first."""
    if not wait:
        return
    started = time.monotonic()
    deadline = started + wait
    since = since or cursor(subscriber)  # first: a request sent from now on changes the cursor
    now = timezone.now()
    open_now = CallRequest.objects.for_subscriber(subscriber).open()
    found = open_now.aggregate(
        pending=Count("pk", filter=Q(state=CallRequest.State.PENDING)), soonest=Min("expires_at")
    )
    if found["pending"]:
        return
    if found["soonest"] is not None:  # an expiry changes the list without a change in the database
        deadline = min(deadline, started + (found["soonest"] - now).total_seconds())
    while time.monotonic() < deadline:
        if cursor(subscriber) != since:
            return
        time.sleep(max(0.0, min(POLL_INTERVAL_SECONDS, deadline - time.monotonic())))


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
