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

Then, for issue 22 (answers that tell the truth), three more faults under the same load, each followed by the
books of every answer against the database:

  lock      a transaction holds an exclusive lock on the call-request table for --lock-seconds (40 by default,
            longer than every deadline): calls that need it wait for PostgreSQL's lock_timeout and are rolled back;
  kill      PostgreSQL killed (pg_ctl -m immediate) and started again, --kills times in a row;
  worker    a gunicorn worker killed (SIGKILL) in the middle of the load; nginx sends nothing again elsewhere.

The books: each success has exactly one request log entry (by its X-Request-Id) and its call request (by its
X-Call-Request-Id), cancelled for a cancel; each "service unavailable" left no call request, no state change and no
webhook event (two of the load's three tokens have an endpoint listening to every event: their calls are a
transaction each, the third token's one statement each on PostgreSQL); each "outcome unknown" is counted as done or
not done, whichever the database says. The counts are printed per fault.

Afterwards nothing is half-written: each call request in the database belongs to a journey whose
call request was answered with success, in the state its answers promised (pending, or cancelled if
its cancel succeeded), and no failed journey left one. The request log holds every request answered
while PostgreSQL was up, and never more requests than were sent.

    .venv/bin/python bench/faults.py                      # prints the figures as JSON; exit 1 if a check fails
    .venv/bin/python bench/faults.py --phase-seconds 1.5 --lock-seconds 8 --kills 3  # the test suite's run

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
OUTCOME_UNKNOWN = ("failed", "outcome unknown")
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
    # Begun while the service was down. A call whose statement the outage cut waits (up to its deadline) to learn
    # whether it was committed (issue 22), so its answer may come after the restart: a clean failure, or its
    # success if it was in fact done.
    outage = [s for s in sent if s.phase == "outage" and stopped_at < s.began < started_at]
    scenario.outage_requests = len(outage)
    if service == "postgres":
        scenario.outage_not_clean = sum(1 for s in outage if not clean_failure(s) and s.answer != s.step.expect)
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


# ---- answers that tell the truth (issue 22) ----------------------------------------------------


def listens(sent, callers):
    """Whether the journey's token has a webhook endpoint (listen_to_every_event): all but the last token, whose
    calls on PostgreSQL are each one statement (api.decorators.one_statement) where the others' are a transaction."""
    return sent.journey % callers < callers - 1


def listen_to_every_event(plan):
    """An endpoint on each load token but the last listening to every call request event: each change writes an
    outbox event (never delivered: no worker runs), which the books then look for (ORM)."""
    from accounts.models import ApiToken
    from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint

    for caller in plan.callers[:-1]:
        token = ApiToken.objects.get(digest=caller.digest)
        WebhookEndpoint.add(token, "https://hooks.callbacknow.test/faults", CALL_REQUEST_EVENTS)


def hold_lock(url, seconds, held):
    """Holds an exclusive lock on the call-request table for `seconds` (its own connection); sets `held` once taken."""
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("LOCK TABLE api_callrequest IN ACCESS EXCLUSIVE MODE")
        held.set()
        time.sleep(seconds)
        connection.rollback()


def gunicorn_workers(server):
    """The pids of the portal's gunicorn workers under the server (children of its gunicorn master), from /proc."""

    def children(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(child) for child in f.read().split()]
        except OSError:
            return []

    def cmdline(pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""

    masters = [pid for pid in children(server.process.pid) if "portal.wsgi:application" in cmdline(pid)]
    return [worker for master in masters for worker in children(master)]


@dataclass
class Books:
    """Every answer of a fault's load against the database, afterwards."""

    fault: str
    sent: int = 0
    answers: dict = field(default_factory=dict)
    answers_during_fault: dict = field(default_factory=dict)
    slowest_answer_seconds: float = 0.0  # of the answers to requests sent during the fault
    successes: int = 0
    successes_with_one_log_entry: int = 0
    successes_with_their_call_request: int = 0
    unavailable: int = 0
    unavailable_that_did_something: list = field(default_factory=list)
    outcome_unknown_done: int = 0
    outcome_unknown_not_done: int = 0
    other_answers: int = 0
    # The connection dropped with no whole answer (a worker killed as it wrote one): the caller knows it does not know.
    dropped_done: int = 0
    dropped_not_done: int = 0
    not_an_api_answer: list = field(default_factory=list)  # HTML, 500s, anything but the API's JSON
    events_without_their_call_request: int = 0  # an outbox event of a call that was rolled back

    @property
    def passed(self):
        return (
            self.successes_with_one_log_entry == self.successes
            and self.successes_with_their_call_request == self.successes
            and not self.unavailable_that_did_something
            and not self.not_an_api_answer
            and self.events_without_their_call_request == 0
        )


def pair_of(sent):
    from lib import phones

    return phones.normalise(sent.requester, "kr").e164, phones.normalise(sent.target.number, sent.target.iso).e164


def read_books(fault, sent, callers):
    """Books of every answer in `sent` (ORM, after recovery); callers: how many tokens the load used."""
    from django.db import connection

    from api.models import ApiRequestLog, CallRequest, CallRequestChange
    from webhooks.models import WebhookEvent

    connection.close()
    books = Books(fault, sent=len(sent))
    books.answers = dict(Counter(f"{s.status} {s.answer[0]}: {s.answer[1]}" if s.answer else s.error for s in sent))
    books.answers_during_fault = dict(
        Counter(f"{s.status} {s.answer[0]}: {s.answer[1]}" if s.answer else s.error for s in sent if s.phase == "fault")
    )
    during = [s.seconds for s in sent if s.phase == "fault"]
    books.slowest_answer_seconds = round(max(during, default=0.0), 2)
    entries = Counter()
    for request_id, status in ApiRequestLog.objects.filter(
        request_id__in=[s.request_id for s in sent if s.request_id]
    ).values_list("request_id", "status"):
        entries[(request_id, status)] += 1
    requests = {
        (requester, target): (public_id, state)
        for requester, target, public_id, state in CallRequest.objects.values_list(
            "requester_number", "target__number", "public_id", "state"
        )
    }
    cancelled = set(
        CallRequestChange.objects.filter(state="cancelled").values_list("call_request__public_id", flat=True)
    )
    events = Counter(WebhookEvent.objects.values_list("subject", "type"))
    existing = {public_id for public_id, _state in requests.values()}
    books.events_without_their_call_request = sum(
        n for (subject, _type), n in events.items() if subject not in existing
    )
    for s in sent:
        found = requests.get(pair_of(s))
        is_cancel = "cancel" in s.step.action
        if is_cancel:
            done = found is not None and found[1] == "cancelled"
            left_trace = done or (
                found is not None and (found[0] in cancelled or events[(found[0], "call_request.cancelled")])
            )
        else:
            done = found is not None
            left_trace = done
        if s.answer == SUCCESS:
            books.successes += 1
            books.successes_with_one_log_entry += entries[(s.request_id, 200)] == 1
            ok = found is not None and found[0] == s.call_request_id and (not is_cancel or done)
            event = (s.call_request_id, "call_request.cancelled" if is_cancel else "call_request.created")
            ok = ok and events[event] == (1 if listens(s, callers) else 0)
            books.successes_with_their_call_request += ok
        elif s.answer == UNAVAILABLE:
            books.unavailable += 1
            if left_trace:
                books.unavailable_that_did_something.append((s.step.transport, s.step.action, s.phase, found))
        elif s.answer == OUTCOME_UNKNOWN:
            if done:
                books.outcome_unknown_done += 1
            else:
                books.outcome_unknown_not_done += 1
        elif s.error:
            if done:
                books.dropped_done += 1
            else:
                books.dropped_not_done += 1
        elif s.answer and s.answer[0] == "failed" and s.status is not None and s.status < 500:  # a refusal
            books.other_answers += 1
        else:
            books.not_an_api_answer.append((s.step.transport, s.step.action, s.status, s.answer or s.error))
    return books


def run_truth_fault(server, plan, fault, apply, phase_seconds, concurrency, run_id):
    """Load before, during and after `apply()` (which returns once the fault is over and the service back), then
    the books of every answer."""
    with ContinuousLoad(server.url, plan, concurrency, run_id) as load:
        time.sleep(phase_seconds)
        load.phase = "fault"
        apply()
        started_at = time.monotonic()
        while health_body(server.url).get("status") != "ok" and time.monotonic() - started_at < 60:
            time.sleep(0.1)
        load.phase = "after"
        time.sleep(phase_seconds)
    return read_books(fault, load.sent(), len(plan.callers))


def truth_faults(server, postgres, args, plan, run_id):
    """The three faults of issue 22, each with its books."""
    import threading as _threading

    def lock():
        held = _threading.Event()
        holder = _threading.Thread(target=hold_lock, args=(postgres.url, args.lock_seconds, held), daemon=True)
        holder.start()
        held.wait(30)
        holder.join()

    def kill():
        for _ in range(args.kills):
            postgres.stop("immediate")
            time.sleep(0.3)
            postgres.start()
            time.sleep(args.phase_seconds / 2)

    def worker():
        workers = gunicorn_workers(server)
        if not workers:
            raise RuntimeError("no gunicorn worker found")
        os.kill(workers[0], 9)  # a worker of the server this run started
        time.sleep(args.phase_seconds)

    faults = [("lock", lock), ("kill", kill), ("worker", worker)]
    return [
        run_truth_fault(server, plan, name, apply, args.phase_seconds, args.concurrency, run_id * 10 + n)
        for n, (name, apply) in enumerate(faults, start=5)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase-seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pg-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--redis-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--lock-seconds", type=float, default=40.0, help="how long the call-request table is locked")
    parser.add_argument("--kills", type=int, default=10, help="times PostgreSQL is killed in a row")
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
        listen_to_every_event(plan)
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
        wrong, strays = half_written(everything)
        truth = truth_faults(server, postgres, args, plan, run_id)
        server.stop()
        output = server.output()
        result = {
            "server": f"gunicorn ({args.workers} workers), DEBUG off",
            "scenarios": [dict(vars(s), bad_answers=s.bad_answers[:10], passed=s.passed) for s in scenarios],
            "call_requests_disagreeing_with_answers": wrong[:10],
            "call_requests_from_failed_journeys": strays[:10],
            "server_500s": output.count("Internal Server Error"),
            "books": [dict(vars(b), passed=b.passed) for b in truth],
        }
        result["passed"] = (
            all(s.passed for s in scenarios) and not wrong and not strays and all(b.passed for b in truth)
        )
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
