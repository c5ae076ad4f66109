"""Work handed off by any thread and done by one background thread of the process, in batches: a caller (a request
thread after its commit, say) never waits for it. Pure: knows no app."""

import os
import queue
import threading


class Drain:
    """put(item) from any thread; handle(batch) runs on one daemon thread of this process with what was put, up to
    `most` items at once. The thread starts with the first put, and again in a forked child (a copy of the parent's
    record has no thread behind it)."""

    def __init__(self, name, handle, most=500):
        self.name, self.handle, self.most = name, handle, most
        self._queue = queue.SimpleQueue()
        self._pid = None

    def put(self, item):
        self._queue.put(item)
        if self._pid != os.getpid():
            self._pid = os.getpid()
            threading.Thread(target=self._drain_forever, name=self.name, daemon=True).start()

    def _drain_forever(self):
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.most:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self.handle(batch)
