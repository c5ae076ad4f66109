"""Anonymous visitors cannot stall a production machine (scripts/serve-production.sh, three workers).

Meanwhile the balancer's /healthz and a plain API call must answer within a second: while visitors loop on
the test page's send (each send calls the API back on the same machine), and while connections send a body
a byte a second (more of them than the machine's gunicorn threads). bench/stall.py runs the same, longer,
and prints the figures (bench/README.md).
"""

import os

import pytest

from bench.stall import (
    drop_postgres_database,
    free_port,
    fresh_postgres_database,
    production_env,
    run_slow_body_attack,
    run_tester_attack,
    warm_up,
)
from bench.stall import serving as serving_production
from tests.helpers import CONTROLLED

WORKERS, THREADS = 3, 4  # three workers as on a production machine; the script's default threads
VISITOR_LIMIT = 10  # the default API_TESTER_SENDS_PER_VISITOR_PER_MINUTE
ANSWERS_WITHIN = 1.0


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The machine on a database of its own, the test page sending to itself; yields its base URL."""
    url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL")
    if not url.startswith(("postgres://", "postgresql://")) or not redis_url:
        pytest.skip("runs on the PostgreSQL + Redis pass: set DATABASE_URL (postgres://…) and REDIS_URL")
    name = f"cbn_stall_{os.getpid()}"
    database = fresh_postgres_database(url, name)
    tmp = tmp_path_factory.mktemp("stall")
    env = production_env(
        database,
        redis_url,
        free_port(),
        base={key: value for key, value in os.environ.items() if key not in CONTROLLED},
        WEB_CONCURRENCY=str(WORKERS),
        VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
    )
    try:
        with serving_production(env, tmp / "server.log") as base:
            warm_up(base, WORKERS * THREADS)
            yield base
    finally:
        drop_postgres_database(url, name)


def assert_answered_quickly(latencies):
    assert len(latencies) >= 5
    assert None not in latencies, "a probe failed or timed out"
    assert max(latencies) < ANSWERS_WITHIN, f"slowest {max(latencies):.1f} s"


def test_it_refuses_one_visitors_sends_beyond_the_limit_and_keeps_answering(served):
    timings = run_tester_attack(served, loops=6, seconds=4)

    assert 0 < len(timings.sent) <= VISITOR_LIMIT
    refused = timings.refused + timings.busy
    assert len(refused) > len(timings.sent)
    assert max(refused) < ANSWERS_WITHIN
    assert timings.other == []  # no timeout, no error page
    assert_answered_quickly(timings.healthz)
    assert_answered_quickly(timings.api)


def test_it_keeps_answering_while_many_visitors_loop_on_the_test_page(served):
    timings = run_tester_attack(served, loops=6, seconds=4, distinct_visitors=True)

    assert timings.sent and timings.other == []
    assert_answered_quickly(timings.healthz)
    assert_answered_quickly(timings.api)


def test_it_keeps_answering_while_slow_bodies_arrive_on_more_connections_than_threads(served):
    connections = WORKERS * THREADS + 4

    timings = run_slow_body_attack(served, connections, seconds=4)

    assert timings.opened == connections
    assert_answered_quickly(timings.healthz)
    assert_answered_quickly(timings.api)
