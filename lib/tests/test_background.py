"""lib.background.Drain: what any thread puts is handed, in order and in batches, to one background thread."""

import threading

from lib.background import Drain


def test_it_hands_everything_put_to_one_thread_in_order_and_in_batches():
    seen, threads, done = [], set(), threading.Event()

    def handle(batch):
        threads.add(threading.current_thread().name)
        seen.extend(batch)
        if len(seen) == 1000:
            done.set()

    drain = Drain("test-drain", handle, most=100)
    for item in range(1000):
        drain.put(item)

    assert done.wait(5)
    assert seen == list(range(1000))
    assert threads == {"test-drain"} and threading.current_thread().name not in threads
