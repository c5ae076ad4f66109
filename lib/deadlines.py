"""A request's deadline, from the time its front (nginx) received it. Pure: knows no app.

nginx stamps each request it passes on with `X-Request-Start: t=<seconds since the epoch, milliseconds>` ($msec).
A request that waited in a queue (nginx's, the server's backlog, a worker's) longer than its caller's patience is
not started; one that starts has until its deadline to commit. Without the header (no front: `make run`, the
test client) the request started when the server read it.
"""

import time

REQUEST_START_HEADER = "X-Request-Start"
REQUEST_START_META = "HTTP_X_REQUEST_START"


def request_start(meta, now=None):
    """When the request was received (seconds since the epoch): its front's stamp, never later than now (a
    stamp in the future, forged or from a skewed clock, counts as now), else now."""
    now = time.time() if now is None else now
    value = meta.get(REQUEST_START_META, "")
    text = value[2:] if value.startswith("t=") else value
    try:
        stamp = float(text)
    except ValueError:
        return now
    if stamp > 1e11:  # microseconds (another front's convention: t=1700000000000000)
        stamp /= 1e6
    elif stamp > 1e10:  # milliseconds
        stamp /= 1e3
    return min(stamp, now) if stamp > 0 else now


def waited(meta, now=None):
    """Seconds the request waited before the server started it."""
    now = time.time() if now is None else now
    return now - request_start(meta, now)


class Deadline:
    """The time (seconds since the epoch) by which a call's work must be committed."""

    __slots__ = ("at",)

    def __init__(self, at):
        self.at = at

    @classmethod
    def of(cls, meta, seconds):
        return cls(request_start(meta) + seconds)

    def left(self):
        return self.at - time.time()

    def passed(self):
        return self.left() <= 0
