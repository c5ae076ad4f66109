"""Each server process's one subscription to the device changes, fanned out in memory to the connections it holds.

A held connection (a long poll, an event stream) waits on a Waiter for its topics (api.changes: "s:<subscriber>",
"k:<device key>") and makes no database query until one of them fires or its time is up. The process hears
the topics through one Redis pub/sub subscription (REDIS_URL), read by one thread; without Redis (the embedded
default) through api.changes' in-process listeners and one cheap poll of the call requests every
DEVICE_CHANGE_POLL_SECONDS, made only while something waits. When the subscription is (re)established every
waiter is woken: whatever was published while Redis was away is caught up from the database.
"""

import asyncio
import logging
import os
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from api import changes
from api.models import CallRequest, Subscriber

log = logging.getLogger(__name__)

EVERYTHING = "*"
POLL_MARGIN = timedelta(seconds=2)  # a change committed late, with an earlier updated_at, is still seen


class Waiter:
    """One held connection's interest in some topics: woken from any thread, awaited in the connection's event
    loop (under a threaded server, the loop that runs the async view in the request's thread)."""

    def __init__(self, topics):
        self.topics = topics
        self.fired = set()
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def wake(self, topic):
        self.fired.add(topic)
        try:
            self._loop.call_soon_threadsafe(self._event.set)
        except RuntimeError:  # the connection's loop has ended
            pass

    async def wait(self, timeout):
        """The topics fired since the last wait, or an empty set when `timeout` seconds pass first."""
        if not self._event.is_set():
            try:
                await asyncio.wait_for(self._event.wait(), max(0.0, timeout))
            except TimeoutError:
                pass
        self._event.clear()
        fired, self.fired = self.fired, set()
        return fired


class Hub:
    def __init__(self):
        self._lock = threading.Lock()
        self._waiters = defaultdict(set)
        self._held = 0
        self._listening_in = None  # the pid whose listener runs: a forked worker starts its own

    def take_place(self):
        """Counts one more held connection, unless the process holds DEVICE_HELD_CONNECTIONS_PER_PROCESS already."""
        with self._lock:
            if self._held >= settings.DEVICE_HELD_CONNECTIONS_PER_PROCESS:
                return False
            self._held += 1
            return True

    def give_place(self):
        with self._lock:
            self._held -= 1

    @property
    def held(self):
        return self._held

    @contextmanager
    def waiting(self, topics):
        """A Waiter registered for these topics while the block runs (register first, then read the database:
        a change committed in between still wakes it)."""
        self._listen()
        waiter = Waiter(topics)
        with self._lock:
            for topic in topics:
                self._waiters[topic].add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                for topic in topics:
                    self._waiters[topic].discard(waiter)
                    if not self._waiters[topic]:
                        del self._waiters[topic]

    def fire(self, topic):
        with self._lock:
            woken = list(self._waiters.get(topic, ()))
        for waiter in woken:
            waiter.wake(topic)

    def fire_all(self):
        with self._lock:
            woken = {waiter for waiters in self._waiters.values() for waiter in waiters}
        for waiter in woken:
            waiter.wake(EVERYTHING)

    def _listen(self):
        if self._listening_in == os.getpid():
            return
        with self._lock:
            if self._listening_in == os.getpid():
                return
            self._listening_in = os.getpid()
        if settings.REDIS_URL:
            target, args = self._subscribe, (changes.channel(),)
        else:
            changes.listen_locally(self.fire)
            target, args = self._poll_database, ()
        threading.Thread(target=target, args=args, name="device-changes-listener", daemon=True).start()

    def _subscribe(self, channel):
        import redis

        delay = 0.2
        while True:
            try:
                client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, health_check_interval=15)
                subscription = client.pubsub()
                subscription.subscribe(channel)
                for message in subscription.listen():
                    if message["type"] == "subscribe":  # (re)connected: catch up whatever was missed
                        delay = 0.2
                        self.fire_all()
                    elif message["type"] == "message":
                        self.fire(message["data"].decode())
            except Exception as exc:
                log.warning("device changes: Redis subscription lost (%s); retrying", type(exc).__name__)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _poll_database(self):
        newest_fired, failing = {}, False
        since = timezone.now()
        while True:
            time.sleep(settings.DEVICE_CHANGE_POLL_SECONDS)
            if not self._waiters:
                since = timezone.now()
                continue
            try:
                since, failing = self._fire_changes_since(since, newest_fired), False
            except Exception as exc:
                if not failing:  # once a streak: the poll retries every interval
                    log.warning("device changes: polling the database failed (%s)", type(exc).__name__)
                failing = True
            finally:
                close_old_connections()

    def _fire_changes_since(self, since, newest_fired):
        """Fires the topics of what other processes changed: call requests and subscribers ("s:"), device keys
        revoked ("k:")."""
        from device.models import DeviceKey

        polled_at, after = timezone.now(), since - POLL_MARGIN
        changed = [
            *(
                ("s", *row)
                for row in CallRequest.objects.filter(updated_at__gt=after).values_list("target_id", "updated_at")
            ),
            *(("s", *row) for row in Subscriber.objects.filter(updated_at__gt=after).values_list("pk", "updated_at")),
            *(("k", *row) for row in DeviceKey.objects.filter(revoked_at__gt=after).values_list("pk", "revoked_at")),
        ]
        for kind, pk, at in changed:
            topic = f"{kind}:{pk}"
            if newest_fired.get(topic, after) < at:
                newest_fired[topic] = at
                self.fire(topic)
        for topic, at in list(newest_fired.items()):
            if at < polled_at - POLL_MARGIN * 2:
                del newest_fired[topic]
        return polled_at


HUB = Hub()
