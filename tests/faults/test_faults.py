"""Redis, then PostgreSQL, stopped in the middle of the load and started again; then the faults of issue 22 (a lock
on the call-request table, PostgreSQL killed in a loop, a gunicorn worker killed) with the books of every answer
(bench/faults.py, short phases: the lock outlasts every statement's deadline, PostgreSQL is killed 3 times).

The run brings up a PostgreSQL cluster and a Redis server of its own on free ports and removes them
afterwards; the shared ones are never stopped.
"""

import json
import subprocess
import sys

import pytest

from bench.faults import missing_binaries
from bench.load import ROOT

# Longer than every deadline behind nginx (a statement's 5 s, a lock wait's 3 s), far shorter than the 40 s.
LOCK_SECONDS = 8


@pytest.fixture(scope="module")
def faults_run():
    missing = missing_binaries()
    if missing:
        pytest.skip("needs " + ", ".join(missing))
    done = subprocess.run(
        [sys.executable, "bench/faults.py", "--phase-seconds", "3", "--concurrency", "4", "--workers", "2"]
        + ["--lock-seconds", str(LOCK_SECONDS), "--kills", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=420,
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


@pytest.mark.parametrize("fault", ["lock", "kill", "worker"])
def test_it_tells_the_truth_in_every_answer_after_a_fault(faults_run, fault):
    books = next(b for b in faults_run["books"] if b["fault"] == fault)
    print(f"\n{fault}: " + ", ".join(f"{name} {value}" for name, value in books.items() if name != "fault"))

    # Each success has exactly one log entry and its call request (cancelled for a cancel) with its webhook event;
    # each "service unavailable" did nothing: no call request, no state change, no event.
    assert books["successes"] > 0
    assert books["successes_with_one_log_entry"] == books["successes"]
    assert books["successes_with_their_call_request"] == books["successes"]
    assert books["unavailable_that_did_something"] == []
    assert books["events_without_their_call_request"] == 0
    assert books["not_an_api_answer"] == []
    if fault in ("lock", "kill"):
        assert books["unavailable"] > 0  # the fault was felt
    if fault == "lock":  # answered by the lock's timeout (3 s), long before the lock lifted: nothing done after
        assert books["slowest_answer_seconds"] < LOCK_SECONDS - 2
