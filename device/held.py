"""What a held connection (a long poll's wait, an event stream) may take: a place under the process's cap, one of
its device key's DEVICE_WAITS_PER_KEY slots, and database work on a small pool of threads.

With Redis, slots are counted across processes and machines, and a process that dies leaves none behind for
longer than a lease; without it (one server process) they are counted in memory. A third wait or stream of the
same key is refused (429): the two it holds are answered normally, and a phone that lost one finds it freed as
soon as its connection closes.
"""

import asyncio
import contextvars
import functools
import logging
import os
import secrets
import socket
import threading
import time
from collections import defaultdict
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
LEASE_SECONDS = 60  # longer than the longest wait (30 s)
LEASE_RENEWAL_SECONDS = 15

on_edge = contextvars.ContextVar("device_on_edge", default=False)
own_thread = contextvars.ContextVar("device_own_thread", default=None)
_pool = {}


async def in_thread(function, *args):
    """Runs sync (database) work off the event loop. Under the ASGI edge (device.edge): on the process's pool of
    DEVICE_DB_THREADS threads, each keeping its database connection as CONN_MAX_AGE says, so that a held
    connection owns no thread while it waits. Elsewhere (a threaded server, the test client): in the request's
    own thread, as Django's sync_to_async does."""
    executor = own_thread.get()  # a stream on a threaded server (device.stream.in_this_thread)
    if executor is None and not on_edge.get():
        return await sync_to_async(function)(*args)
    if executor is None:
        if "executor" not in _pool:
            _pool["executor"] = ThreadPoolExecutor(settings.DEVICE_DB_THREADS, thread_name_prefix="device-db")
        executor = _pool["executor"]
    call = functools.partial(_with_connection_upkeep, function, *args)
    return await asyncio.get_running_loop().run_in_executor(executor, call)


def _with_connection_upkeep(function, *args):
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class Admission:
    """A held connection's place: one under the process's cap and one of its key's slots, until released. Taken
    and given back on the event loop (Redis through its asyncio client): a phone's wait costs the database
    threads nothing. release() does the same from sync code (a response's close()); releasing twice is harmless."""

    def __init__(self, key_id, slot):
        self.key_id, self.slot = key_id, slot

    @classmethod
    async def take(cls, key):
        if not HUB.take_place():
            raise DeviceApiError(reasons.SERVER_BUSY, headers={"Retry-After": str(PROCESS_FULL_RETRY_SECONDS)})
        try:
            slot = await SLOTS.take(key.pk)
        except BaseException:
            HUB.give_place()
            raise
        if slot is None:
            HUB.give_place()
            raise DeviceApiError(reasons.KEY_BUSY, headers={"Retry-After": str(KEY_BUSY_RETRY_SECONDS)})
        return cls(key.pk, slot)

    async def give_back(self):
        slot, self.slot = self.slot, None
        if slot is not None:
            HUB.give_place()
            await SLOTS.give_back(self.key_id, slot)

    def release(self):
        slot, self.slot = self.slot, None
        if slot is not None:
            HUB.give_place()
            SLOTS.give_back_now(self.key_id, slot)


class Slots:
    """Each device key's slots: in this process's memory without Redis (one process holds them all); with it, a
    sorted set per key whose members name the process that holds them. Each process keeps one key alive
    ("alive:<process>", LEASE_SECONDS), renewed by one of its threads every LEASE_RENEWAL_SECONDS: one command a
    process, however many connections it holds. Taking a slot first drops the members of processes whose key has
    lapsed, so a dead process leaves none behind for longer than LEASE_SECONDS."""

    # KEYS: the key's set. ARGV: the prefix of the processes' alive keys, this process's name, the slot's member,
    # the limit, now, LEASE_SECONDS. A member is dropped once it is older than a lease and its process's alive key
    # is gone; the taker says it is alive first (a Redis emptied by a restart or a flush keeps its live slots).
    TAKE = """
        redis.call('SET', ARGV[1] .. ARGV[2], 1, 'EX', ARGV[6])
        for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[5] - ARGV[6])) do
            local holder = string.match(member, '^(.*)|')
            if holder == nil or redis.call('EXISTS', ARGV[1] .. holder) == 0 then
                redis.call('ZREM', KEYS[1], member)
            end
        end
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
            return 0
        end
        redis.call('ZADD', KEYS[1], ARGV[5], ARGV[3])
        redis.call('EXPIRE', KEYS[1], 86400)
        return 1
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._local = defaultdict(set)
        self._process = None  # (pid, this process's name in Redis)

    async def take(self, key_id):
        """A new slot's name, or None when the key holds DEVICE_WAITS_PER_KEY slots already."""
        if settings.REDIS_URL:
            return await self._take_in_redis(key_id)
        slot = secrets.token_hex(8)
        with self._lock:
            if len(self._local[key_id]) >= settings.DEVICE_WAITS_PER_KEY:
                return None
            self._local[key_id].add(slot)
        return slot

    async def give_back(self, key_id, slot):
        if settings.REDIS_URL:
            await self._redis("zrem", self._set_of(key_id), slot)
        else:
            self._give_back_locally(key_id, slot)

    def give_back_now(self, key_id, slot):
        """give_back() from sync code."""
        if settings.REDIS_URL:
            self._redis_call(lambda client: client.zrem(self._set_of(key_id), slot))
        else:
            self._give_back_locally(key_id, slot)

    def _give_back_locally(self, key_id, slot):
        with self._lock:
            self._local[key_id].discard(slot)
            if not self._local[key_id]:
                del self._local[key_id]

    def process_name(self):
        """This process's name in the slots' members, kept alive in Redis while the process runs."""
        if self._process is None or self._process[0] != os.getpid():  # none yet, or a forked copy
            with self._lock:
                if self._process is None or self._process[0] != os.getpid():
                    self._process = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}")
                    self._redis_call(self._keep_alive)
                    threading.Thread(target=self._renew_forever, name="device-slot-leases", daemon=True).start()
        return self._process[1]

    async def _take_in_redis(self, key_id):
        process = self.process_name()
        slot = f"{process}|{secrets.token_hex(8)}"
        arguments = [self._alive_prefix(), process, slot, settings.DEVICE_WAITS_PER_KEY, time.time(), LEASE_SECONDS]
        # Redis away: the connection is not refused for it.
        taken = await self._redis("eval", self.TAKE, 1, self._set_of(key_id), *arguments, default=1)
        return slot if taken else None

    def _renew_forever(self):
        while True:
            time.sleep(LEASE_RENEWAL_SECONDS)
            self._redis_call(self._keep_alive)

    def _keep_alive(self, client):
        client.set(self._alive_prefix() + self._process[1], 1, ex=LEASE_SECONDS)

    @staticmethod
    def _set_of(key_id):
        return f"{changes.channel()}:slots:{key_id}"

    @staticmethod
    def _alive_prefix():
        return f"{changes.channel()}:alive:"

    @classmethod
    async def _redis(cls, method, *args, default=None):
        """A Redis command: on the phone servers (device.edge) through the event loop's asyncio client, elsewhere
        (a threaded server's per-request loops) with the sync client in a thread."""
        if not on_edge.get():
            return await in_thread(cls._redis_call, lambda client: getattr(client, method)(*args), default)
        try:
            return await getattr(changes.async_redis_client(), method)(*args)
        except Exception as exc:
            log.warning("device slots: Redis unavailable (%s)", type(exc).__name__)
            return default

    @staticmethod
    def _redis_call(call, default=None):
        try:
            return call(changes.redis_client())
        except Exception as exc:
            log.warning("device slots: Redis unavailable (%s)", type(exc).__name__)
            return default


SLOTS = Slots()
