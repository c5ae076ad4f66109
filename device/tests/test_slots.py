"""device.held.Slots with Redis: a device key's slots counted across processes, and a dead process's slots freed.

Runs on the Redis of the PostgreSQL + Redis pass (REDIS_URL), through both of its clients: the event loop's
(on the phone servers) and the threaded one (a threaded server). Without Redis the slots are counted in memory,
which the event stream's tests cover (device/tests/test_events.py).
"""

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from api import changes
from device.held import Slots, on_edge

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="slots are leases in Redis only")

KEY = 424242


@pytest.fixture(params=["phone server", "threaded server"])
def take(request, settings):
    """take(slots) and give_back(slots, slot) as a phone server, or a threaded server, calls them."""
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.DEVICE_WAITS_PER_KEY = 2

    def run(call):
        async def as_the_server():
            on_edge.set(request.param == "phone server")
            return await call()

        return run_apart(as_the_server())

    return (
        lambda slots: run(lambda: slots.take(KEY)),
        lambda slots, slot: run(lambda: slots.give_back(KEY, slot)),
    )


@pytest.fixture
def client(take):
    found = changes.redis_client()
    found.delete(f"{changes.channel()}:slots:{KEY}")
    yield found
    found.delete(f"{changes.channel()}:slots:{KEY}")


def members(client):
    return set(client.zrange(f"{changes.channel()}:slots:{KEY}", 0, -1))


def test_it_gives_a_key_two_slots_refuses_a_third_and_frees_one_given_back(take, client):
    take_slot, give_back = take
    slots = Slots()
    first, second = take_slot(slots), take_slot(slots)

    assert first and second and first != second
    assert take_slot(slots) is None
    give_back(slots, first)
    assert members(client) == {second.encode()}
    assert take_slot(slots) is not None


def test_it_counts_the_slots_another_live_process_holds(take, client):
    take_slot, _ = take
    client.set(f"{changes.channel()}:alive:other-machine:7:abcd", 1, ex=60)
    client.zadd(
        f"{changes.channel()}:slots:{KEY}", {"other-machine:7:abcd|1": time.time(), "other-machine:7:abcd|2": 1}
    )

    assert take_slot(Slots()) is None


def test_it_frees_the_slots_of_a_process_whose_lease_lapsed(take, client):
    take_slot, _ = take
    # A process that died (or lost Redis) more than a lease ago: its alive key has expired, its slots remain.
    long_ago = time.time() - 61
    client.zadd(f"{changes.channel()}:slots:{KEY}", {"dead-machine:9:ffff|1": long_ago, "dead-machine:9:ffff|2": 1})

    taken = take_slot(Slots())

    assert taken is not None
    assert members(client) == {taken.encode()}


def test_it_keeps_a_slot_taken_within_a_lease_even_if_its_process_s_key_is_gone(take, client):
    take_slot, _ = take
    slots = Slots()
    first, second = take_slot(slots), take_slot(slots)
    client.delete(f"{changes.channel()}:alive:{slots.process_name()}")  # Redis emptied (a restart, a flush)

    assert take_slot(Slots()) is None
    assert members(client) == {first.encode(), second.encode()}


def test_it_keeps_its_own_process_alive_in_redis(take, client):
    take_slot, _ = take
    slots = Slots()
    take_slot(slots)

    assert client.ttl(f"{changes.channel()}:alive:{slots.process_name()}") > 50


def run_apart(coroutine):
    """Runs the coroutine on an event loop of its own, in a thread of its own (a test before may have left a loop
    running in this one: the browser tests')."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
