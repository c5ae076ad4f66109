"""Redis, then PostgreSQL, stopped in the middle of the load and started again (bench/faults.py, short phases).

The run brings up a PostgreSQL cluster and a Redis server of its own on free ports and removes them
afterwards; the shared ones are never stopped.
"""

import json
import subprocess
import sys

import pytest

from bench.faults import missing_binaries
from bench.load import ROOT


@pytest.fixture(scope="module")
def faults_run():
    missing = missing_binaries()
    if missing:
        pytest.skip("needs " + ", ".join(missing))
    done = subprocess.run(
        [sys.executable, "bench/faults.py", "--phase-seconds", "1.5", "--concurrency", "4", "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    try:
        return json.loads(done.stdout[done.stdout.index("{") :])
    except ValueError:
        pytest.fail(f"bench/faults.py printed no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.mark.parametrize("service", ["redis", "postgres"])
def test_it_answers_clean_json_failures_while_a_service_is_down_and_recovers_by_itself(faults_run, service):
    scenario = next(s for s in faults_run["scenarios"] if s["service"] == service)

    # Nothing but the expected answer, or (PostgreSQL down only) "service unavailable": without Redis the
    # API still answers every call (issue 14) and /healthz says "degraded" with a 200.
    assert scenario["bad_answers"] == []
    assert scenario["outage_requests"] > 0
    assert scenario["outage_not_clean"] == 0
    assert scenario["health_during_outage"] == {"redis": 200, "postgres": 503}[service]
    assert scenario["after_requests"] > 0
    assert scenario["after_not_expected"] == 0
    assert scenario["recovery_seconds"] < 30
    assert scenario["must_be_logged"] <= scenario["logged"] <= scenario["sent"]


def test_it_leaves_nothing_half_written(faults_run):
    assert faults_run["call_requests_disagreeing_with_answers"] == []
    assert faults_run["call_requests_from_failed_journeys"] == []
    assert faults_run["server_500s"] == 0
    assert faults_run["passed"]
