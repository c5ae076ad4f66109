"""Rate limits: a token's limit counts only calls that prove they hold it and are fresh; calls refused before
that count against their client address, which is then refused (and no longer logged) for the minute."""

import json
import time

import pytest
from django.conf import settings
from django.test import override_settings

from api.models import ApiRequestLog
from tests.helpers import SEED_SUCCESS, failed, now_millis, seed_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_of_a_minute_s_end")]
URL = "/callback/callback_api.php"
ATTACKER, DEVELOPER_SERVER = "198.51.100.66", "203.0.113.10"


def post(client, body, address):
    response = client.post(
        URL, body, content_type="application/json", headers={"Referer": "http://example.com/"}, REMOTE_ADDR=address
    )
    return response.status_code, json.loads(response.content)


def get(client, path, address):
    response = client.get(path, REMOTE_ADDR=address)
    return response.status_code, json.loads(response.content)


def callback_path(value, message="hi"):
    return f"/{value}/callback/01010041004/kr/01011111111/kr/{message}"


@pytest.fixture
def tight_limits(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 5
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 100


def test_it_does_not_let_captured_posts_use_up_their_token_s_limit(client, value, target, tight_limits):
    day_old = seed_body(value, foot=now_millis() - 86_400_000)
    token_only = json.dumps({"mytoken": json.loads(seed_body(value))["mytoken"]})
    refused = [post(client, day_old, ATTACKER) for _ in range(40)] + [
        post(client, token_only, ATTACKER) for _ in range(30)
    ]

    assert refused == [(400, failed("stale foot"))] * 40 + [(400, failed("missing parameter"))] * 30
    assert post(client, seed_body(value), DEVELOPER_SERVER) == (200, SEED_SUCCESS)
    assert get(client, callback_path(value), DEVELOPER_SERVER) == (200, SEED_SUCCESS)


def test_it_still_limits_the_token_s_own_fresh_calls(client, value, target, tight_limits):
    answers = [post(client, seed_body(value, foot=now_millis() + i), DEVELOPER_SERVER)[1] for i in range(6)]

    assert answers == [SEED_SUCCESS] * 5 + [failed("rate limited")]


def test_it_counts_a_replayed_post_against_its_address_not_its_token(client, value, target, tight_limits):
    body = seed_body(value)
    assert post(client, body, DEVELOPER_SERVER) == (200, SEED_SUCCESS)
    replays = [post(client, body, ATTACKER) for _ in range(10)]

    assert replays == [(409, failed("replayed request"))] * 10
    assert [post(client, seed_body(value, foot=now_millis() + i), DEVELOPER_SERVER)[0] for i in range(4)] == [200] * 4


def test_it_refuses_an_address_after_its_refused_calls_and_stops_logging_them(client, value, target, settings):
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 3
    answers = [get(client, callback_path("cbn_NotAToken0123456789abcdefgh"), ATTACKER) for _ in range(6)]

    assert answers == [(401, failed("unknown token"))] * 3 + [(429, failed("rate limited"))] * 3
    assert ApiRequestLog.objects.count() == 3
    assert get(client, callback_path(value), DEVELOPER_SERVER) == (200, SEED_SUCCESS)


def test_it_does_not_count_the_token_s_admitted_failures_against_its_address(client, value, target, settings):
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 2
    bad_number = f"/{value}/callback/123/kr/01011111111/kr/hi"
    answers = [get(client, bad_number, DEVELOPER_SERVER)[1] for _ in range(4)]

    assert answers == [failed("invalid number")] * 4
    assert get(client, callback_path(value), DEVELOPER_SERVER) == (200, SEED_SUCCESS)


def test_it_holds_the_limit_across_a_minute_s_end(client, value, target, tight_limits):
    """A fixed window let a token make its limit at the end of one minute and again at the start of the next."""
    time.sleep((59 - time.time() % 60) % 60)  # the last second of a minute
    minute_ends = time.time() // 60 * 60 + 60
    before = [get(client, callback_path(value), DEVELOPER_SERVER)[0] for _ in range(5)]
    time.sleep(max(0, minute_ends + 0.5 - time.time()))  # half a second into the next minute

    after = [get(client, callback_path(value), DEVELOPER_SERVER)[0] for _ in range(5)]

    assert before == [200] * 5
    # Half a second of the last minute has slid out: about a 120th of its 5 calls, so one call at most.
    assert after.count(200) <= 1
    assert after[1:] == [429] * 4


@pytest.fixture
def redis_down(unreachable_redis):
    with override_settings(CACHES=unreachable_redis):
        yield


def test_it_counts_the_limit_per_process_while_redis_is_down(client, value, target, tight_limits, redis_down, caplog):
    answers = [get(client, callback_path(value), DEVELOPER_SERVER) for _ in range(7)]

    assert answers == [(200, SEED_SUCCESS)] * 5 + [(429, failed("rate limited"))] * 2
    assert ApiRequestLog.objects.filter(result="success").count() == 5
    said = [record for record in caplog.records if "Rate limits counted per process" in record.getMessage()]
    assert len(said) == 1  # once, not once a call


def test_it_still_refuses_an_address_s_flood_while_redis_is_down(client, value, target, settings, redis_down):
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 3
    answers = [get(client, callback_path("cbn_NotAToken0123456789abcdefgh"), ATTACKER)[0] for _ in range(5)]

    assert answers == [401] * 3 + [429] * 2
    assert post(client, seed_body(value), DEVELOPER_SERVER) == (200, SEED_SUCCESS)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL); the PostgreSQL + Redis pass runs it")
def test_its_one_round_trip_hit_counts_and_reports_as_limits_own_two_calls():
    """The pipelined hit (limits' two Lua scripts in one round trip) against limits' hit() then get_window_stats(),
    on two keys of real Redis, call after call through the quota and past it."""
    from limits import RateLimitItemPerMinute

    from api.rate_limits import Limits, _hit_in_one_round_trip

    limiter = Limits().shared
    item = RateLimitItemPerMinute(3)
    ours, theirs = f"ours-{time.time_ns()}", f"theirs-{time.time_ns()}"
    for _call in range(5):
        allowed, stats = _hit_in_one_round_trip(limiter, item, "test", ours)
        expected_allowed = limiter.hit(item, "test", theirs)
        expected = limiter.get_window_stats(item, "test", theirs)
        assert (allowed, stats.remaining) == (expected_allowed, expected.remaining)
        # Up to a whole window: a counter read in the very millisecond it was set has a TTL of exactly two windows,
        # which limits' arithmetic (TTL modulo the window) takes for no time left, ours for a whole window.
        apart = abs(stats.reset_time - expected.reset_time) % 60
        assert min(apart, 60 - apart) < 1
    assert (allowed, stats.remaining) == (False, 0)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL); the PostgreSQL + Redis pass runs it")
def test_its_one_round_trip_hit_counts_on_after_redis_forgets_its_scripts():
    """A Redis restarted (or its scripts flushed) does not have limits' scripts: the hit loads them and counts on."""
    from limits import RateLimitItemPerMinute

    from api.rate_limits import Limits, _hit_in_one_round_trip

    limiter = Limits().shared
    item = RateLimitItemPerMinute(3)
    key = f"flushed-{time.time_ns()}"
    first = _hit_in_one_round_trip(limiter, item, "test", key)
    limiter.storage.get_connection().script_flush()

    answers = [first] + [_hit_in_one_round_trip(limiter, item, "test", key) for _call in range(3)]

    assert [(allowed, stats.remaining) for allowed, stats in answers] == [(True, 2), (True, 1), (True, 0), (False, 0)]


def test_limits_still_calls_the_private_hook_the_per_process_count_overrides(monkeypatch):
    """ProcessMemory replaces MemoryStorage's name-mangled __schedule_expiry (and sweeps with its __expire_events):
    an upgrade of limits that renamed or stopped calling them would bring back a timer thread a call, silently."""
    from limits.storage import MemoryStorage

    from api.rate_limits import Limits, ProcessMemory

    assert callable(vars(MemoryStorage).get("_MemoryStorage__schedule_expiry"))
    assert callable(vars(MemoryStorage).get("_MemoryStorage__expire_events"))
    called = []
    monkeypatch.setattr(ProcessMemory, "_MemoryStorage__schedule_expiry", lambda storage: called.append(storage))
    counting = Limits()
    counting.shared = None  # as in development, or while Redis is down

    counting.hit("address", "192.0.2.1", 3)

    assert called and all(storage is counting.local.storage for storage in called)


def test_its_per_process_count_starts_no_thread_and_sweeps_quiet_callers(monkeypatch):
    """limits' own memory storage started a timer thread about once a call; the per-process count starts none,
    and drops the counts of callers gone quiet in its sweep instead."""
    import threading

    from api.rate_limits import Limits, ProcessMemory

    monkeypatch.setattr(ProcessMemory, "SWEEP_SECONDS", 0.2)
    counting = Limits()
    counting.shared = None  # as in development, or while Redis is down
    counting.local.storage.timer.join()  # the one MemoryStorage starts as it is made, cancelled
    started, start = [], threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or start(thread))
    windows = [counting.hit("address", f"192.0.2.{n}", 3) for n in range(50) for _ in range(4)]

    assert started == []
    assert [window.allowed for window in windows[:4]] == [True, True, True, False]
    storage = counting.local.storage
    assert len(storage.storage) == 50  # one minute's counter per address
    storage.expirations.update(dict.fromkeys(storage.expirations, time.time() - 1))  # their windows over
    time.sleep(0.3)
    counting.hit("address", "192.0.2.200", 3)
    left = list(storage.storage)
    assert len(left) == 1 and "192.0.2.200" in left[0]  # the 50 quiet addresses' counts are gone
