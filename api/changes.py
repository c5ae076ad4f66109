"""Tells the phones waiting on the device API that something of theirs changed, once the change is committed.

A topic names what changed: "s:<subscriber pk>" (one of its call requests), "a:<subscriber pk>" (the subscriber
itself: deactivated, say) or "k:<device key pk>" (the key was revoked). With Redis (REDIS_URL) each topic is published on one channel that
every server process of every machine subscribes to once (device.hub); without it (the embedded default, one
server process) the topic goes to this process's listeners, and device.hub also polls the database for changes
made by other processes (the task queue's worker).

Publishing never delays or fails the change: the topic is queued and a thread of the process sends it.

A change made on behalf of a held connection (a phone's stream marking its requests delivered) names that
connection as its origin (originating()): the connection has read the change already, so the hub wakes everyone
but it.
"""

import asyncio
import contextvars
import logging
import os
import weakref
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from lib.background import Drain

log = logging.getLogger(__name__)

_local_listeners = []
_clients = {}
_async_clients = weakref.WeakKeyDictionary()
_origin = contextvars.ContextVar("device_change_origin", default=None)
SEPARATOR = " "  # between a topic and its origin in a published message (neither contains a space)


def call_requests_changed(subscriber_id):
    _after_commit(f"s:{subscriber_id}")


def subscriber_changed(subscriber_id):
    _after_commit(f"a:{subscriber_id}")


def device_key_changed(key_id):
    _after_commit(f"k:{key_id}")


def channel():
    """The channel of this database's changes: processes on the same database hear each other, and no one else
    (Redis pub/sub is not scoped by a Redis database number; a test run or a benchmark has a database of its own)."""
    return f"callbacknow:device-changes:{connection.settings_dict['NAME']}"


@contextmanager
def originating(origin):
    """The changes made in this block are made on behalf of `origin` (a held connection's name, or None)."""
    reset = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(reset)


def parse(message):
    """(topic, origin or None) of a published message."""
    topic, _, origin = message.partition(SEPARATOR)
    return topic, origin or None


def listen_locally(listener):
    """listener(topic, origin) is called, in the publishing thread, for every topic published by this process."""
    _local_listeners.append(listener)


def redis_client(**options):
    """A client of REDIS_URL, one per process and set of options (a pool of connections behind it), with
    REDIS_TIMEOUT_SECONDS to connect and to read unless the options say otherwise."""
    timeout = settings.REDIS_TIMEOUT_SECONDS
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, **options}
    key = (os.getpid(), tuple(sorted(options.items())))
    if key not in _clients:
        import redis

        _clients[key] = redis.Redis.from_url(settings.REDIS_URL, **options)
    return _clients[key]


def async_redis_client():
    """A client of REDIS_URL for the running event loop (an asyncio client belongs to the loop it was made on)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        import redis.asyncio

        pool = redis.asyncio.BlockingConnectionPool.from_url(
            settings.REDIS_URL,
            max_connections=128,
            timeout=5,
            socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
            socket_timeout=settings.REDIS_TIMEOUT_SECONDS,
        )
        client = _async_clients[loop] = redis.asyncio.Redis(connection_pool=pool)
    return client


def _after_commit(topic):
    origin = _origin.get()
    transaction.on_commit(lambda: publish(topic, origin))


def publish(topic, origin=None):
    for listener in list(_local_listeners):
        listener(topic, origin)
    if settings.REDIS_URL:
        _SENDER.put((channel(), f"{topic}{SEPARATOR}{origin}" if origin else topic))


def _send(batch):
    try:
        pipeline = redis_client().pipeline(transaction=False)
        for name, message in batch:
            pipeline.publish(name, message)
        pipeline.execute()
    except Exception as exc:  # Redis away: the phones catch up from the database when it is back
        log.warning("could not publish %d device change(s): %s", len(batch), type(exc).__name__)


_SENDER = Drain("device-changes-publisher", _send)
