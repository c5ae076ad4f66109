"""bench/phones_bench.py at CI's size: 200 phones held on the production layout, 50 call requests sent to them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.helpers import CONTROLLED, ROOT

BENCH = ROOT / "bench" / "phones_bench.py"


@pytest.fixture
def bench_env():
    """The bench's environment: a database of its own on $DATABASE_URL's server (dropped afterwards), $REDIS_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        pytest.skip("runs on the PostgreSQL + Redis pass: set DATABASE_URL (postgres://…) and REDIS_URL")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("needs nginx, the production layout's front (scripts/system-deps.sh production)")
    parts = urlsplit(url)
    name = f"cbn_phones_test_{os.getpid()}"
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(BENCH_POSTGRES_URL=urlunsplit(parts._replace(path=f"/{name}")), BENCH_REDIS_URL=os.environ["REDIS_URL"])
    yield env
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_it_brings_every_request_to_its_phone_within_a_second_with_200_phones_held(bench_env):
    command = [sys.executable, BENCH, "--phones", "200", "--requests", "50", "--window", "5", "--json"]

    result = subprocess.run(command, cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=420)

    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["held"] == 200
    assert figures["lost"] == 0
    assert figures["answers_5xx"] == 0
    assert figures["latency_p99_ms"] < 1000
    assert figures["idle_statements_per_second"] < 1
