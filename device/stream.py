"""GET /device/v1/events: a phone's call requests as a stream of Server-Sent Events, one per change.

Each event's id is a cursor (the change's time in microseconds); a phone that reconnects with it (Last-Event-ID)
gets every request changed since then, in its latest state. An event may come twice around a reconnection (a
request that changed within CURSOR_MARGIN of the cursor): each says "request X is now in state S".
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.http import StreamingHttpResponse

from device import held, inbox, payloads
from device.held import in_thread
from device.hub import EVERYTHING, HUB
from lib import sse

RETRY_MILLISECONDS = 3000
CHANGED, HEARTBEAT, END = "changed", "heartbeat", "end"
# A change committed after a later one was sent (two transactions, the earlier one slower) is still found.
CURSOR_MARGIN = timedelta(seconds=2)
NOTHING_OPEN = datetime.max.replace(tzinfo=UTC)


def in_this_thread(events):
    """The stream for a threaded (WSGI) server, which cannot iterate an async generator without buffering it
    whole: each event computed on an event loop of the request's thread, its database work on a thread of the
    stream's own (Django runs no query in a thread whose event loop is running)."""
    loop, database = asyncio.new_event_loop(), ThreadPoolExecutor(1, thread_name_prefix="device-stream-db")
    own = held.own_thread.set(database)
    try:
        while True:
            try:
                yield loop.run_until_complete(anext(events))
            except StopAsyncIteration:
                return
    finally:
        loop.run_until_complete(events.aclose())
        loop.close()
        held.own_thread.reset(own)
        database.submit(connections.close_all).result()
        database.shutdown()


def parse_cursor(value):
    """The time an event id stands for, or None (no cursor, or not one of ours: the stream starts afresh)."""
    if not value or not value.isdigit() or len(value) > 20:
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1_000_000, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def event_id(moment):
    return str(int(moment.timestamp() * 1_000_000))


class EventStream(StreamingHttpResponse):
    """The stream's response: it gives its admission back when it ends, however it ends (the phone hung up, the
    key was revoked, the server stops)."""

    def __init__(self, subscriber, key, admission, cursor, threaded=False):
        self.admission = admission
        events = self._events(subscriber, key, cursor)
        super().__init__(
            in_this_thread(events) if threaded else events, content_type="text/event-stream; charset=utf-8"
        )
        self["Cache-Control"] = "no-store"
        self["X-Accel-Buffering"] = "no"  # nginx passes each event on at once

    def close(self):
        self.admission.release()
        super().close()

    async def _events(self, subscriber, key, cursor):
        try:
            yield sse.retry(RETRY_MILLISECONDS) + sse.comment("connected")
            with HUB.waiting(inbox.topics(subscriber, key)) as waiter:  # first: a change from now on wakes it
                sent, since, due = {}, cursor - CURSOR_MARGIN if cursor else None, None
                while True:
                    changed, soonest = await in_thread(inbox.changed_since, subscriber, since, key, waiter.name, due)
                    due = soonest or NOTHING_OPEN  # what can expire before the next wake is known
                    expiry_in = None if soonest is None else (soonest - datetime.now(UTC)).total_seconds()
                    since = max(
                        [since or datetime.now(UTC) - CURSOR_MARGIN, *(c.updated_at - CURSOR_MARGIN for c in changed)]
                    )
                    batch = "".join(self._new_events(changed, sent))
                    if batch:
                        yield batch
                    while (outcome := await self._next(waiter, key, expiry_in))[0] == HEARTBEAT:
                        expiry_in = outcome[1]
                        yield sse.comment("heartbeat")
                    if outcome[0] == END:
                        return
        finally:
            await self.admission.give_back()

    @staticmethod
    def _new_events(changed, sent):
        for found in changed:
            if sent.get(found.public_id) != found.updated_at:
                sent[found.public_id] = found.updated_at
                data = {"id": found.public_id, "state": found.state, "call_request": payloads.call_request(found)}
                yield sse.event(event_id(found.updated_at), "call_request", data)

    @staticmethod
    async def _next(waiter, key, expiry_in):
        """(CHANGED, _) when something of the phone's changed or an open request's expiry came; (END, _) when its
        key was revoked or its subscriber deactivated; (HEARTBEAT, the seconds still to the expiry) after
        DEVICE_HEARTBEAT_SECONDS of nothing."""
        heartbeat_in = settings.DEVICE_HEARTBEAT_SECONDS
        timeout = heartbeat_in if expiry_in is None else min(heartbeat_in, max(expiry_in, 0) + 0.05)
        started = time.monotonic()
        fired = await waiter.wait(timeout)
        if fired & {f"k:{key.pk}", f"a:{key.subscriber_id}", EVERYTHING}:  # the key, the subscriber: still good?
            return (CHANGED if await in_thread(inbox.still_admitted, key) else END), None
        if fired:
            return CHANGED, None
        waited = time.monotonic() - started
        if expiry_in is not None and expiry_in <= waited:
            return CHANGED, None
        return HEARTBEAT, None if expiry_in is None else expiry_in - waited
