"""device.hub: a change wakes every held connection of its topic but the one it was made for."""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from device.hub import Hub


def test_it_wakes_the_other_waiters_of_a_topic_but_not_the_change_s_origin():
    async def scenario():
        hub = Hub()
        hub._listening_in = os.getpid()  # no subscription: this test fires the topics itself
        with hub.waiting({"s:1"}) as stream, hub.waiting({"s:1"}) as long_poll, hub.waiting({"s:2"}) as stranger:
            hub.fire("s:1", origin=stream.name)  # the stream marked its request delivered, and has read it
            return await stream.wait(0.2), await long_poll.wait(0.2), await stranger.wait(0.2)

    by_origin, other, stranger = run_apart(scenario())

    assert by_origin == set()
    assert other == {"s:1"}
    assert stranger == set()


def test_it_wakes_everyone_for_a_change_without_an_origin():
    async def scenario():
        hub = Hub()
        hub._listening_in = os.getpid()
        with hub.waiting({"s:1"}) as first, hub.waiting({"s:1"}) as second:
            hub.fire("s:1")
            return await first.wait(0.2), await second.wait(0.2)

    assert run_apart(scenario()) == ({"s:1"}, {"s:1"})


def run_apart(coroutine):
    """Runs the coroutine on an event loop of its own, in a thread of its own (a test before may have left a loop
    running in this one: the browser tests')."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
