"""What a held connection (a long poll's wait, an event stream) may take: a place under the process's cap, one of
its device key's DEVICE_WAITS_PER_KEY slots, and database work on a small pool of threads.

Slots are leases (counted in Redis across processes and machines, in memory without it) so that a process that
dies leaves none behind for longer than a lease. A third wait or stream of the same key is refused (429): the
two it holds are answered normally, and a phone that lost one finds it freed as soon as its connection closes.
"""

import asyncio
import contextvars
import functools
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from api import changes
from device import reasons
from device.auth import DeviceApiError
from device.hub import HUB

log = logging.getLogger(__name__)

KEY_BUSY_RETRY_SECONDS = 5
PROCESS_FULL_RETRY_SECONDS = 10

on_edge = contextvars.ContextVar("device_on_edge", default=False)
run_inline = contextvars.ContextVar("device_run_inline", default=False)
_pool = {}


async def in_thread(function, *args):
    """Runs sync (database) work off the event loop. Under the ASGI edge (device.edge): on the process's pool of
    DEVICE_DB_THREADS threads, each keeping its database connection as CONN_MAX_AGE says, so that a held
    connection owns no thread while it waits. Elsewhere (a threaded server, the test client): in the request's
    own thread, as Django's sync_to_async does."""
    if run_inline.get():  # the event loop is the request thread's own (device.stream.in_this_thread)
        return function(*args)
    if not on_edge.get():
        return await sync_to_async(function)(*args)
    if "executor" not in _pool:
        _pool["executor"] = ThreadPoolExecutor(settings.DEVICE_DB_THREADS, thread_name_prefix="device-db")
    call = functools.partial(_with_connection_upkeep, function, *args)
    return await asyncio.get_running_loop().run_in_executor(_pool["executor"], call)


def _with_connection_upkeep(function, *args):
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class Admission:
    """A held connection's place: one under the process's cap and one of its key's slots, until release().
    Sync, so that a response's close() can release it too; releasing twice is harmless."""

    def __init__(self, key, lease_seconds):
        self.key_id, self.lease_seconds = key.pk, lease_seconds
        if not HUB.take_place():
            raise DeviceApiError(reasons.SERVER_BUSY, headers={"Retry-After": str(PROCESS_FULL_RETRY_SECONDS)})
        self.slot = SLOTS.take(self.key_id, lease_seconds)
        if self.slot is None:
            HUB.give_place()
            raise DeviceApiError(reasons.KEY_BUSY, headers={"Retry-After": str(KEY_BUSY_RETRY_SECONDS)})

    def renew(self):
        SLOTS.renew(self.key_id, self.slot, self.lease_seconds)

    def release(self):
        slot, self.slot = self.slot, None
        if slot is not None:
            SLOTS.give_back(self.key_id, slot)
            HUB.give_place()


class Slots:
    """Each device key's leases on held connections: in Redis with REDIS_URL, else in this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._local = {}

    def take(self, key_id, lease_seconds):
        """A new slot's name, or None when the key holds DEVICE_WAITS_PER_KEY unexpired slots already."""
        slot, until = secrets.token_hex(8), time.time() + lease_seconds
        if settings.REDIS_URL:
            return self._take_in_redis(key_id, slot, until, lease_seconds)
        with self._lock:
            held = {name: end for name, end in self._local.get(key_id, {}).items() if end > time.time()}
            if len(held) >= settings.DEVICE_WAITS_PER_KEY:
                return None
            held[slot] = until
            self._local[key_id] = held
        return slot

    def renew(self, key_id, slot, lease_seconds):
        until = time.time() + lease_seconds
        if settings.REDIS_URL:
            self._redis_call(lambda client: client.zadd(self._name(key_id), {slot: until}, xx=True))
            return
        with self._lock:
            if slot in self._local.get(key_id, {}):
                self._local[key_id][slot] = until

    def give_back(self, key_id, slot):
        if settings.REDIS_URL:
            self._redis_call(lambda client: client.zrem(self._name(key_id), slot))
            return
        with self._lock:
            self._local.get(key_id, {}).pop(slot, None)
            if not self._local.get(key_id):
                self._local.pop(key_id, None)

    def _take_in_redis(self, key_id, slot, until, lease_seconds):
        name = self._name(key_id)

        def take(client):
            pipeline = client.pipeline(transaction=True)
            pipeline.zremrangebyscore(name, "-inf", time.time())
            pipeline.zadd(name, {slot: until})
            pipeline.zcard(name)
            pipeline.expire(name, int(lease_seconds) + 5)
            if pipeline.execute()[2] <= settings.DEVICE_WAITS_PER_KEY:
                return slot
            client.zrem(name, slot)
            return None

        taken = self._redis_call(take, default=slot)  # Redis away: the connection is not refused for it
        return taken

    @staticmethod
    def _name(key_id):
        return f"{changes.channel()}:slots:{key_id}"

    @staticmethod
    def _redis_call(call, default=None):
        try:
            return call(changes.redis_client(socket_connect_timeout=2, socket_timeout=2))
        except Exception as exc:
            log.warning("device slots: Redis unavailable (%s)", type(exc).__name__)
            return default


SLOTS = Slots()
