"""The API's rate limits: sliding windows (the `limits` package) in the shared Redis, counted per process
while it does not answer.

A sliding window weighs the previous minute's count by how much of it the window still covers, so a caller
cannot make twice its limit around a minute boundary as a fixed window allowed. With Redis (the cache of
REDIS_URL) the counts hold across processes and machines; with the local-memory cache (development, tests)
they are per process, as that cache is. When Redis fails the counts move to this process's memory, said once
in the log, and Redis is tried again RETRY_SECONDS later: a cache outage never stops the API.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from limits.util import WindowStats
from redis.exceptions import NoScriptError, RedisError

log = logging.getLogger(__name__)

RETRY_SECONDS = 5
MAX_USED_UP = 10_000  # addresses and tokens remembered as used up, per process


class ProcessMemory(MemoryStorage):
    """limits' MemoryStorage without its expiry thread. That one starts a timer thread whenever the last has
    run out (10 ms), so about once a call under a steady load: a thread's start cost a call a tenth. Here an
    expired counter is dropped when it is read (MemoryStorage.get already does) and the others in a sweep
    done inline at most every SWEEP_SECONDS, so the counts of callers gone quiet do not pile up."""

    SWEEP_SECONDS = 10

    def __init__(self):
        super().__init__()
        self.timer.cancel()
        self.next_sweep = time.monotonic() + self.SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self):  # MemoryStorage's own (name-mangled) hook, called on each count
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()


@dataclass(frozen=True)
class Window:
    """Where a caller stands in one of its limits: the IETF RateLimit fields' policy name, quota, window,
    what is left and the seconds until more is."""

    policy: str
    quota: int
    allowed: bool
    remaining: int
    reset_seconds: int
    seconds: int = 60  # the window's length

    def headers(self):
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.quota};w={self.seconds}',
            "RateLimit": f'"{self.policy}";r={self.remaining};t={self.reset_seconds}',
        }

    @property
    def retry_after(self):
        """Seconds until a call may be made again (at least one)."""
        return max(1, self.reset_seconds)


class Limits:
    def __init__(self):
        self.local = SlidingWindowCounterRateLimiter(ProcessMemory())
        self.shared = self._shared_limiter()
        self.shared_down_until = 0.0
        self.counting_locally = False
        # (policy, key): until when (monotonic) its quota is used up, as the last refused hit here said.
        self.used_up = {}

    @staticmethod
    def _shared_limiter():
        cache = settings.CACHES["default"]
        if not cache["BACKEND"].endswith("RedisCache"):
            return None
        options = cache.get("OPTIONS", {})
        storage = RedisStorage(
            cache["LOCATION"],
            key_prefix=f"{cache.get('KEY_PREFIX', '')}:api-limits",
            socket_connect_timeout=options.get("socket_connect_timeout", 2),
            socket_timeout=options.get("socket_timeout", 2),
        )
        return SlidingWindowCounterRateLimiter(storage)

    def _run(self, operation):
        """operation(limiter) on the shared limiter, or on this process's while the shared one fails."""
        if self.shared is not None and time.monotonic() >= self.shared_down_until:
            try:
                result = operation(self.shared)
            except RedisError as exc:
                self.shared_down_until = time.monotonic() + RETRY_SECONDS
                if not self.counting_locally:
                    log.warning("Rate limits counted per process: the cache does not answer (%s)", exc)
                    self.counting_locally = True
            else:
                if self.counting_locally:
                    log.warning("Rate limits counted in the cache again")
                    self.counting_locally = False
                return result
        return operation(self.local)

    def hit(self, policy, key, quota, seconds=60):
        """Counts one call against the quota (of a window of `seconds`) unless it is used up; the Window after it."""
        item = _item(quota, seconds)

        def count(limiter):
            if limiter is self.shared:
                return _hit_in_one_round_trip(limiter, item, policy, key)
            allowed = limiter.hit(item, policy, key)
            return allowed, limiter.get_window_stats(item, policy, key)

        allowed, stats = self._run(count)
        window = _window(policy, quota, allowed, stats, seconds)
        if not window.remaining:
            if len(self.used_up) >= MAX_USED_UP:
                self.used_up.clear()
            self.used_up[policy, key] = time.monotonic() + window.reset_seconds
        return window

    def used_up_here(self, policy, key, quota):
        """The Window of a quota this process has seen used up and not yet renewed, else None: checked
        before a call is worked on, without a round trip to Redis."""
        until = self.used_up.get((policy, key))
        if until is None:
            return None
        left = until - time.monotonic()
        if left <= 0:
            del self.used_up[policy, key]
            return None
        return Window(policy, quota, False, 0, min(60, max(1, math.ceil(left))))

    def peek(self, policy, key, quota, seconds=60):
        """The Window of the quota without counting a call; allowed while one is left."""
        item = _item(quota, seconds)
        stats = self._run(lambda limiter: limiter.get_window_stats(item, policy, key))
        return _window(policy, quota, stats.remaining > 0, stats, seconds)


def _item(quota, seconds):
    return RateLimitItemPerMinute(quota) if seconds == 60 else RateLimitItemPerSecond(quota, seconds)


def _hit_in_one_round_trip(limiter, item, *identifiers):
    """limiter.hit(), then limiter.get_window_stats(), of a sliding window in Redis: limits' own two Lua scripts,
    sent in one pipeline (_run_scripts), so that an admitted call costs one round trip to Redis instead of three. The stats are
    limits' arithmetic (SlidingWindowCounterRateLimiter.get_window_stats) on the values the second script read."""
    storage, name, expiry = limiter.storage, item.key_for(*identifiers), item.get_expiry()
    keys = [
        storage.prefixed_key(storage._previous_window_key(name)),
        storage.prefixed_key(storage._current_window_key(name)),
    ]
    acquired, window = _run_scripts(
        storage,
        [
            (storage.lua_acquire_sliding_window, keys, [item.amount, expiry, 1]),
            (storage.lua_sliding_window, keys, [expiry]),
        ],
    )
    previous_count, previous_ttl, current_count, current_ttl = (
        (
            int(window[0] or 0),
            max(0, float(window[1] or 0)) / 1000,
            int(window[2] or 0),
            max(0, float(window[3] or 0)) / 1000,
        )
        if window
        else (0, 0.0, 0, 0.0)
    )
    weighted = previous_count * previous_ttl / expiry + current_count
    remaining, now = max(0, item.amount - math.floor(weighted)), time.time()
    if not (previous_count or current_count):
        return bool(acquired), WindowStats(now, remaining)
    # A counter read in the millisecond it was set has a TTL of exactly twice the window: that is a whole window
    # to go, not none (limits' second round trip never sees that millisecond).
    previous_reset_in = (
        (previous_ttl % (expiry / previous_count) or expiry / previous_count) if previous_count else math.inf
    )
    current_reset_in = (current_ttl % expiry or expiry) if current_count else math.inf
    return bool(acquired), WindowStats(now + min(previous_reset_in, current_reset_in), remaining)


def _run_scripts(storage, calls):
    """The results of [(limits' Lua script, keys, arguments)], sent as EVALSHA in one pipeline. A pipeline of redis-py
    Script objects first asks SCRIPT EXISTS, a round trip of its own each time; here a script Redis does not have
    (restarted, or its scripts flushed) answers NOSCRIPT and that call alone is sent again as the Script, which
    loads it."""
    pipeline = storage.get_connection().pipeline(transaction=False)
    for script, keys, arguments in calls:
        pipeline.evalsha(script.sha, len(keys), *keys, *arguments)
    results = pipeline.execute(raise_on_error=False)
    for index, ((script, keys, arguments), result) in enumerate(zip(calls, results, strict=True)):
        if isinstance(result, NoScriptError):
            results[index] = script(keys, arguments)
        elif isinstance(result, Exception):
            raise result
    return results


def _window(policy, quota, allowed, stats, seconds=60):
    # In whole seconds within the window: the counter's arithmetic can land on 0 or just past it.
    reset = min(seconds, max(1, math.ceil(stats.reset_time - time.time())))
    return Window(policy, quota, allowed, stats.remaining, reset, seconds)


_limits = [None]


def limits():
    """This process's Limits, made from the cache settings on first use."""
    if _limits[0] is None:
        _limits[0] = Limits()
    return _limits[0]


@receiver(setting_changed)
def reset(setting=None, **_kwargs):
    """Forgets every count of this process (and where counts are kept, when the cache settings change)."""
    if setting in (None, "CACHES"):
        _limits[0] = None
