"""scripts/serve-worker.sh: the task-queue worker of a production machine (webhook deliveries, periodic jobs)."""

import os
import signal
import subprocess
import time

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "serve-worker.sh"


@pytest.mark.parametrize("name", ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TOKEN_ENCRYPTION_KEY", "SITE_URL"])
def test_it_refuses_to_start_without_a_production_variable(production_env, name):
    del production_env[name]

    result = subprocess.run(["bash", SCRIPT], env=production_env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert f"set {name}" in result.stderr


def test_it_starts_a_consumer_on_the_shared_queue_and_stops_on_sigterm(production_env):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("runs on the PostgreSQL + Redis pass: check --deploy wants PostgreSQL and Redis")
    production_env.update(REDIS_URL=os.environ["REDIS_URL"], HUEY_PERIODIC="0", HUEY_WORKERS="2")
    production_env["HUEY_NAME"] = f"serve-worker-test-{os.getpid()}"
    worker = subprocess.Popen(
        ["bash", SCRIPT], env=production_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        lines, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "consumer started" in line.lower():
                break
        output = "".join(lines)
        assert "serve-worker: 2 delivery threads, periodic jobs off" in output, output
        assert "consumer started" in output.lower(), output
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
