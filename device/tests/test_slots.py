"""device.held.Slots with Redis: a device key's slots counted across processes, and a dead process's slots freed.

Runs on the Redis of the PostgreSQL + Redis pass (REDIS_URL); without Redis the slots are counted in memory, which
the event stream's tests cover (device/tests/test_events.py).
"""

import os
import time

import pytest

from api import changes
from device.held import Slots

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="slots are leases in Redis only")

KEY = 424242


@pytest.fixture
def slots(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.DEVICE_WAITS_PER_KEY = 2
    client = changes.redis_client()
    name = f"{changes.channel()}:slots:{KEY}"
    client.delete(name)
    yield Slots(), client, name
    client.delete(name)


def test_it_gives_a_key_two_slots_refuses_a_third_and_frees_one_given_back(slots):
    held, _, _ = slots
    first, second = held.take(KEY), held.take(KEY)

    assert first and second and first != second
    assert held.take(KEY) is None
    held.give_back(KEY, first)
    assert held.take(KEY) is not None


def test_it_counts_the_slots_another_live_process_holds(slots):
    held, client, name = slots
    client.set(f"{changes.channel()}:alive:other-machine:7:abcd", 1, ex=60)
    client.zadd(name, {"other-machine:7:abcd|1": time.time(), "other-machine:7:abcd|2": time.time()})

    assert held.take(KEY) is None


def test_it_frees_the_slots_of_a_process_whose_lease_lapsed(slots):
    held, client, name = slots
    # A process that died (or lost Redis) more than a lease ago: its alive key has expired, its slots remain.
    client.zadd(name, {"dead-machine:9:ffff|1": time.time(), "dead-machine:9:ffff|2": time.time()})

    taken = held.take(KEY)

    assert taken is not None
    assert set(client.zrange(name, 0, -1)) == {taken.encode()}


def test_it_keeps_its_own_process_alive_in_redis(slots):
    held, client, _ = slots
    held.take(KEY)

    assert client.ttl(f"{changes.channel()}:alive:{held.process_name()}") > 50
