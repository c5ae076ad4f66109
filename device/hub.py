"""Each server process's one subscription to the device changes, fanned out in memory to the connections it holds.

A held connection (a long poll, an event stream) waits on a Waiter for its topics (api.changes: "s:", "a:" and
"k:") and makes no database query until one of them fires or its time is up. The process hears
the topics through one Redis pub/sub subscription (REDIS_URL), read by one thread; without Redis (the embedded
default) through api.changes' in-process listeners and one cheap poll of the call requests every
DEVICE_CHANGE_POLL_SECONDS, made only while something waits. When the subscription is (re)established every
waiter is woken: whatever was published while Redis was away is caught up from the database.
"""

import asyncio
import itertools
import logging
import os
import secrets
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
from device.models import DeviceKey

log = logging.getLogger(__name__)

EVERYTHING = "*"
MEMO_SECONDS = 600  # a key's check is made again at least this often (its last use is recorded then)
MEMO_LIMIT = 50_000
POLL_MARGIN = timedelta(seconds=2)  # a change committed late, with an earlier updated_at, is still seen
_names = itertools.count()
_PROCESS = secrets.token_hex(4)  # waiters' names are unique across processes: an origin wakes no stranger


class Waiter:
    """One held connection's interest in some topics: woken from any thread, awaited in the connection's event
    loop (under a threaded server, the loop that runs the async view in the request's thread)."""

    def __init__(self):
        self.name = f"{_PROCESS}.{next(_names)}"  # the origin of the changes made on its behalf (api.changes)
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
        # What held connections read, kept until one of its topics fires: an idle phone's next long poll and
        # its key's check are answered from memory. Trusted only while the subscription is live.
        self._memo, self._dependents, self._generation, self._trusted = {}, defaultdict(set), 0, False

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

    @contextmanager
    def waiting(self, topics):
        """A Waiter registered for these topics while the block runs (register first, then read the database:
        a change committed in between still wakes it)."""
        self._listen()
        waiter = Waiter()
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

    @property
    def generation(self):
        """Changes whenever a topic fires: read it before a read that remember() is to keep."""
        return self._generation

    def remember(self, name, value, topics, generation):
        """Keeps what was read (by a read started at `generation`) until one of its topics fires, or for
        MEMO_SECONDS; nothing if a topic fired during the read or the subscription is not live."""
        with self._lock:
            if generation != self._generation or not self._trusted:
                return
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
                self._dependents.clear()
            self._memo[name] = (value, time.monotonic() + MEMO_SECONDS)
            for topic in topics:
                self._dependents[topic].add(name)

    def recall(self, name):
        found = self._memo.get(name)
        if found is None or not self._trusted or found[1] < time.monotonic():
            return None
        return found[0]

    def fire(self, topic, origin=None):
        """Wakes the waiters of `topic`, but the one the change was made for (`origin`): it has read it already."""
        with self._lock:
            self._generation += 1
            for name in self._dependents.pop(topic, ()):
                self._memo.pop(name, None)
            woken = list(self._waiters.get(topic, ()))
        for waiter in woken:
            if waiter.name != origin:
                waiter.wake(topic)

    def fire_all(self):
        with self._lock:
            self._generation += 1
            self._memo.clear()
            self._dependents.clear()
            woken = {waiter for waiters in self._waiters.values() for waiter in waiters}
        for waiter in woken:
            waiter.wake(EVERYTHING)

    def _trust(self, trusted):
        with self._lock:
            self._trusted = trusted
            self._generation += 1
            self._memo.clear()
            self._dependents.clear()

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
            self._trust(True)  # this process's changes at once, the others' within a poll
            target, args = self._poll_database, ()
        threading.Thread(target=target, args=args, name="device-changes-listener", daemon=True).start()

    def _subscribe(self, channel):
        import redis

        delay = 0.2
        while True:
            try:
                client = redis.Redis.from_url(
                    settings.REDIS_URL, socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS, health_check_interval=15
                )
                subscription = client.pubsub()
                subscription.subscribe(channel)
                for message in subscription.listen():
                    if message["type"] == "subscribe":  # (re)connected: catch up whatever was missed
                        delay = 0.2
                        self.fire_all()
                        self._trust(True)
                    elif message["type"] == "message":
                        self.fire(*changes.parse(message["data"].decode()))
            except Exception as exc:
                self._trust(False)
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
        """Fires the topics of what other processes changed: call requests ("s:"), subscribers ("a:"), device keys
        revoked ("k:")."""
        polled_at, after = timezone.now(), since - POLL_MARGIN
        changed = [
            *(
                ("s", *row)
                for row in CallRequest.objects.filter(updated_at__gt=after).values_list("target_id", "updated_at")
            ),
            *(("a", *row) for row in Subscriber.objects.filter(updated_at__gt=after).values_list("pk", "updated_at")),
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
