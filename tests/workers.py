"""Real task-queue workers for the tests: `manage.py run_huey` processes on the test database and the test's own
queue (HUEY_NAME / HUEY_FILE), their settings from environment variables. Each lives at most WORKER_LIFETIME
seconds (`timeout -s KILL`), is killed at teardown, and its output is printed then (pytest shows it under the
failure of a test that failed). The `workers` fixture (conftest.py) gives a Workers pool: `workers.start()`."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
WORKER_LIFETIME = 150


def database_url():
    """The test database, as the worker's DATABASE_URL."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@"
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `manage.py run_huey` process, its output in a file."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = ["timeout", "--signal=KILL", str(WORKER_LIFETIME), sys.executable, "manage.py", "run_huey"]
        # Periodic tasks off: the tests run the sweeper themselves, when they mean to.
        self.process = subprocess.Popen(
            [*command, "--no-periodic"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self):
        return self.process.poll() is None

    def wait_until_ready(self, timeout=30):
        wait_until(lambda: "Huey consumer started" in self.output() or not self.alive, timeout, "the worker to start")
        assert self.alive, f"the worker exited ({self.process.returncode})"

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or `kill -9` would: no cleanup, no goodbye."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)  # `timeout` and the worker under it
        self.process.wait(timeout=10)

    def stop(self):
        self.kill()
        self.log.close()

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")


class Workers:
    """Workers started by a test, stopped at its end."""

    def __init__(self, directory):
        self.directory, self.started = directory, []

    def start(self, count=1, **environment):
        """Starts `count` workers on the test database and queue; keyword arguments are settings' variables."""
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(),
            HUEY_NAME=settings.HUEY["name"],
            WEBHOOK_ALLOW_PRIVATE_URLS="true",  # the receivers are on 127.0.0.1
            WEBHOOK_RETRY_DELAYS="300",  # no retry within a test unless it asks for one
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="INFO",
        )
        if "filename" in settings.HUEY:
            env["HUEY_FILE"] = settings.HUEY["filename"]
        env.update({name: str(value) for name, value in environment.items()})
        workers = [Worker(env, self.directory / f"worker-{len(self.started) + n}.log") for n in range(count)]
        self.started += workers
        for worker in workers:
            worker.wait_until_ready()
        return workers[0] if count == 1 else workers

    def stop(self):
        for worker in self.started:
            worker.stop()

    def output(self):
        return "\n".join(f"---- worker {n} ----\n{worker.output()}" for n, worker in enumerate(self.started))


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
