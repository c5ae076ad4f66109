"""Faults under load: Redis, then PostgreSQL, stopped in the middle of the load and started again.

The portal runs as in production (scripts/serve-production.sh: gunicorn, DEBUG off) on a PostgreSQL
cluster and a Redis server of its own, created for the run in a temporary directory on free loopback
ports and removed afterwards — the machine's shared PostgreSQL and Redis are never touched. Clients
run the journeys of bench/load.py without pause while, for each service in turn:

  before    both up: every answer is the expected one;
  outage    the service is stopped (Redis killed, PostgreSQL shut down in immediate mode, as in a
            crash). Without Redis every answer is still the expected one (rate limits are counted per
            process) and /healthz answers 200 "degraded"; without PostgreSQL every answer is the API's
            JSON failure "service unavailable" (HTTP 503; 200 for JSONP) and /healthz answers 503;
            never a 500, an HTML page or a dropped connection;
  after     the service is started again and nothing else is done: /healthz returns to 200 "ok" by
            itself and every answer is again the expected one.

Afterwards nothing is half-written: each call request in the database belongs to a journey whose
call request was answered with success, in the state its answers promised (pending, or cancelled if
its cancel succeeded), and no failed journey left one. The request log holds every request answered
while PostgreSQL was up, and never more requests than were sent.

    .venv/bin/python bench/faults.py                      # prints the figures as JSON; exit 1 if a check fails
    .venv/bin/python bench/faults.py --phase-seconds 1.5  # shorter phases (the test suite's run)

Needs redis-server, and PostgreSQL's initdb and pg_ctl (run as the postgres user when run as root).
"""

import argparse
import glob
import itertools
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (  # noqa: E402
    JOURNEYS,
    ROOT,
    SUCCESS,
    Sent,
    Server,
    free_port,
    prepare,
    requester_number,
    send,
    server_env,
)

UNAVAILABLE = ("failed", "service unavailable")
NOTHING_PENDING = ("failed", "nothing pending to cancel")


# ---- services of our own -----------------------------------------------------------------------


def postgres_bin_dir():
    """The directory of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def missing_binaries():
    """What this run cannot do without (empty when it can run)."""
    missing = []
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL's initdb/pg_ctl")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a postgres user to run PostgreSQL as (running as root)")
        if not shutil.which("runuser"):
            missing.append("runuser (util-linux), to run PostgreSQL as that user")
    return missing


class ThrowawayRedis:
    def __init__(self, port, directory):
        self.port, self.directory, self.process = port, Path(directory), None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - inherited by the server process
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for_port(self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # as if it crashed
            self.process.wait()


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, trust authentication on 127.0.0.1 only."""

    def __init__(self, port, directory):
        self.port, self.bin = port, postgres_bin_dir()
        self.data = Path(directory) / "pgdata"
        self.url = f"postgres://postgres@127.0.0.1:{port}/cbn_faults"

    def run(self, *command):
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ("runuser", "-u", "postgres", "--", *command)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def create(self):
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in (self.data.parent, self.data):
                os.chown(path, user.pw_uid, user.pw_gid)
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE cbn_faults")

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w", "start"
        )

    def stop(self, mode="immediate"):
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self):
        return (self.data / "postmaster.pid").exists()


def wait_for_port(port, timeout=30):
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


# ---- load without pause ------------------------------------------------------------------------


class ContinuousLoad:
    """Threads that run journeys until stopped; each request is stamped with the phase it began in."""

    def __init__(self, base_url, plan, concurrency, run_id):
        self.base_url, self.plan, self.concurrency, self.run_id = base_url, plan, concurrency, run_id
        self.phase, self.journeys = "before", []
        self.numbers, self.lock, self.stopping = itertools.count(), threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(concurrency)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def work(self):
        session = requests.Session()
        while not self.stopping.is_set():
            n = next(self.numbers)
            target = self.plan.targets[n % len(self.plan.targets)]
            steps = [Sent(n, step, requester_number(self.run_id, n), target) for step in JOURNEYS[n % len(JOURNEYS)]]
            with self.lock:
                self.journeys.append(steps)
            for sent in steps:
                if sent.step.action.endswith("cancel") and steps[0].answer != SUCCESS:
                    sent.step = type(sent.step)(sent.step.action, sent.step.transport, sent.step.by_id, NOTHING_PENDING)
                sent.phase, sent.began = self.phase, time.monotonic()
                send(session, self.base_url, self.plan, sent)
                sent.ended = time.monotonic()

    def sent(self):
        with self.lock:
            return [s for steps in self.journeys for s in steps if s.status is not None or s.error]


def clean_failure(sent):
    """The API's own answer to a service it cannot reach: JSON (or JSONP) "service unavailable"."""
    return sent.answer == UNAVAILABLE and sent.status == (200 if sent.step.transport == "JSONP" else 503)


# What each outage must answer: a cache outage must not stop the API, a database outage answers cleanly.
HEALTH_DURING_OUTAGE = {"redis": 200, "postgres": 503}


@dataclass
class Scenario:
    service: str
    sent: int = 0
    answers: dict = field(default_factory=dict)
    bad_answers: list = field(default_factory=list)  # neither the expected answer nor a clean failure
    outage_requests: int = 0
    outage_not_clean: int = 0  # Redis: not the expected answer; PostgreSQL: not the clean failure
    health_during_outage: int = 0
    recovery_seconds: float = 0.0
    after_requests: int = 0
    after_not_expected: int = 0
    logged: int = 0
    must_be_logged: int = 0

    @property
    def passed(self):
        return (
            not self.bad_answers
            and self.outage_requests > 0
            and self.outage_not_clean == 0
            and self.health_during_outage == HEALTH_DURING_OUTAGE[self.service]
            and self.after_requests > 0
            and self.after_not_expected == 0
            and self.must_be_logged <= self.logged <= self.sent
        )


def health_body(base_url):
    try:
        return requests.get(base_url + "/healthz", timeout=5).json()
    except (requests.RequestException, ValueError):
        return {}


def health(base_url):
    try:
        return requests.get(base_url + "/healthz", timeout=5).status_code
    except requests.RequestException:
        return None


def log_count():
    from django.db import connection

    from api.models import ApiRequestLog

    connection.close()  # the previous connection may predate a PostgreSQL restart
    return ApiRequestLog.objects.count()


def run_scenario(server, plan, service, stop, start, phase_seconds, concurrency, run_id):
    """Load through before/outage/after while `service` is stopped and started; returns the Scenario."""
    scenario = Scenario(service)
    logged_before = log_count()
    with ContinuousLoad(server.url, plan, concurrency, run_id) as load:
        time.sleep(phase_seconds)
        stopping_at = time.monotonic()
        stop()
        stopped_at = time.monotonic()
        load.phase = "outage"
        scenario.health_during_outage = health(server.url)
        time.sleep(phase_seconds)
        started_at = time.monotonic()
        start()
        while health_body(server.url).get("status") != "ok":
            if time.monotonic() - started_at > 60:
                break
            time.sleep(0.1)
        back_at = time.monotonic()
        scenario.recovery_seconds = round(back_at - started_at, 2)
        load.phase = "after"
        time.sleep(phase_seconds)
    sent = load.sent()
    scenario.sent = len(sent)
    scenario.answers = dict(Counter(f"{s.status} {s.answer[0]}: {s.answer[1]}" if s.answer else s.error for s in sent))
    # Only the database's outage may fail a call: without Redis every answer must be the expected one.
    allowed_failure = clean_failure if service == "postgres" else (lambda s: False)
    scenario.bad_answers = [
        (s.phase, s.step.transport, s.step.action, s.status, s.answer or s.error)
        for s in sent
        if s.answer != s.step.expect and not allowed_failure(s)
    ]
    outage = [s for s in sent if s.phase == "outage" and s.began > stopped_at and s.ended < started_at]
    scenario.outage_requests = len(outage)
    if service == "postgres":
        scenario.outage_not_clean = sum(1 for s in outage if not clean_failure(s))
    else:
        scenario.outage_not_clean = sum(1 for s in outage if s.answer != s.step.expect)
    after = [s for s in sent if s.began > back_at]
    scenario.after_requests = len(after)
    scenario.after_not_expected = sum(1 for s in after if s.answer != s.step.expect)
    scenario.logged = log_count() - logged_before
    if service == "postgres":  # answered while PostgreSQL was down: the answer stands, its log entry is lost
        scenario.must_be_logged = sum(1 for s in sent if s.ended < stopping_at or s.began > back_at)
    else:
        scenario.must_be_logged = len(sent)
    return scenario, sent


def half_written(sent):
    """Call requests that disagree with what their journeys were answered (ORM, after recovery)."""
    from django.db import connection

    from api.models import CallRequest
    from lib import phones

    connection.close()
    promised = {}
    for s in sent:
        key = (phones.normalise(s.requester, "kr").e164, phones.normalise(s.target.number, s.target.iso).e164)
        if s.step.action.endswith("callback"):
            promised.setdefault(key, None)
            if s.answer == SUCCESS:
                promised[key] = CallRequest.State.PENDING
        elif s.answer == SUCCESS:
            promised[key] = CallRequest.State.CANCELLED
    found = {
        (requester, target): state
        for requester, target, state in CallRequest.objects.values_list("requester_number", "target__number", "state")
    }
    wrong = [(key, state, found.get(key)) for key, state in promised.items() if found.get(key) != state]
    strays = [key for key in found if key not in promised]
    return wrong, strays


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase-seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pg-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--redis-port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    missing = missing_binaries()
    if missing:
        print(json.dumps({"skipped": "missing " + ", ".join(missing)}))
        sys.exit(3)

    workdir = Path(tempfile.mkdtemp(prefix="cbn-faults-"))
    redis_server = ThrowawayRedis(args.redis_port or free_port(), workdir)
    postgres = ThrowawayPostgres(args.pg_port or free_port(), workdir)
    server = None
    try:
        redis_server.start()
        postgres.create()
        key = secrets.token_urlsafe(40)
        env = server_env(
            postgres.url,
            redis_server.url,
            production=True,
            TOKEN_ENCRYPTION_KEY=key,
            VAR_DIR=str(workdir / "var"),
            STATIC_ROOT=str(workdir / "static"),
            DB_CONN_MAX_AGE="60",
        )
        os.environ.update(DATABASE_URL=postgres.url, TOKEN_ENCRYPTION_KEY=key, VAR_DIR=str(workdir / "var"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        plan = prepare()
        server = Server("gunicorn", env, workers=args.workers, log_path=workdir / "server.log").wait_until_up()

        run_id = int(time.time())
        scenarios, everything = [], []
        for n, (service, stop, start) in enumerate(
            [("redis", redis_server.stop, redis_server.start), ("postgres", postgres.stop, postgres.start)]
        ):
            scenario, sent = run_scenario(
                server, plan, service, stop, start, args.phase_seconds, args.concurrency, run_id * 10 + n
            )
            scenarios.append(scenario)
            everything += sent
        server.stop()
        wrong, strays = half_written(everything)
        output = server.output()
        result = {
            "server": f"gunicorn ({args.workers} workers), DEBUG off",
            "scenarios": [dict(vars(s), bad_answers=s.bad_answers[:10], passed=s.passed) for s in scenarios],
            "call_requests_disagreeing_with_answers": wrong[:10],
            "call_requests_from_failed_journeys": strays[:10],
            "server_500s": output.count("Internal Server Error"),
        }
        result["passed"] = all(s.passed for s in scenarios) and not wrong and not strays
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        sys.exit(0 if result["passed"] else 1)
    finally:
        if server is not None:
            server.stop()
        redis_server.stop()
        if postgres.running():
            postgres.stop("fast")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
