"""Load test of the Open API on a real server, with the books balanced afterwards.

Clients on loopback run "journeys" — a call request, often followed by its cancel — through every
transport (GET, JSONP, the seed's encrypted POST) and both ways of naming the target (number, ID), to
the demo subscriber and a few registered ones, from a few developers' tokens; one journey in seven
targets an unregistered number and must fail cleanly. Then the request log (ApiRequestLog) and the
call requests (CallRequest) must account for every request sent, and the server's output must hold
no traceback and no "database is locked". Two baselines run just before through the same server, with
the same number of requests at the same concurrency: the view of bench/api_bench.py (one indexed
read, one write transaction — the server runs with bench.api_bench_settings, which add it) and
GET /healthz (one database read, one cache write and read).

    # SQLite (WAL, busy timeout) under the default server, `manage.py runserver` (threaded):
    .venv/bin/python bench/load.py --database sqlite
    # PostgreSQL (database cbn_load) and Redis under scripts/serve-production.sh (gunicorn, 5 workers):
    .venv/bin/python bench/load.py --database postgres --workers 5

Each run starts from an empty database of its own (a SQLite file under /tmp, or cbn_load dropped and
created again); it sends only to 127.0.0.1. tests/load/ runs a small version inside the test suite.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SUCCESS = ("success", "")
NOT_REGISTERED = ("failed", "target number is not registered to callbacknow")

LOOPBACK = ["127.0.0.0/8", "::1/128"]  # the bench calls from this machine: a servers token


# ---- the server under load ---------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url, redis_url=None, production=False, **extra):
    """Environment of the server under load: its own database and cache prefix, the rate limits out of the way."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        API_RATE_LIMIT_PER_MINUTE="10000000",
        API_PER_TARGET_PER_HOUR="10000000",  # a load sends the same targets again and again
        API_PER_TARGET_PER_DAY="10000000",
        CACHE_KEY_PREFIX=f"cbn-load-{os.getpid()}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test session's setting; check --deploy refuses it
    if redis_url:
        env["REDIS_URL"] = redis_url
    if production:
        env.update(DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost", BEHIND_PROXY="true", RUN_MIGRATIONS="1")
        # Required in production (the test page's address); the load does not use the test page.
        env.setdefault("API_BASE_URL", "http://127.0.0.1/")
        env.setdefault("SITE_URL", "http://127.0.0.1")  # the mails' links (none are sent under load)
        env.setdefault("SUPPORT_EMAIL", "support@callbacknow.test")  # check --deploy warns without it
        env.setdefault("PUSH_CHANNELS_OFF", "fcm,apns,webpush")  # and of each push channel without credentials
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.update(extra)
    return env


class Server:
    """A server process on a free loopback port, its output kept in a file to be searched afterwards."""

    def __init__(self, kind, env, workers=None, log_path=None):
        self.kind, self.port = kind, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or f"/tmp/cbn-load-server-{os.getpid()}-{self.port}.log")
        if kind == "runserver":
            # The default server as `make run` starts it: threaded, one process.
            command = [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        elif kind == "uvicorn":
            # One phone server of the production layout (portal.asgi), without nginx in front.
            command = [str(Path(PYTHON).parent / "uvicorn"), "portal.asgi:application", "--port", str(self.port)]
        elif kind == "gunicorn":
            env = dict(env, BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers or 5))
            command = ["bash", str(ROOT / "scripts" / "serve-production.sh")]
        else:
            raise ValueError(kind)
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_until_up(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited:\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.kind} did not answer /healthz in {timeout}s:\n{self.output()}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")


# ---- what is sent ------------------------------------------------------------------------------


@dataclass
class Caller:
    token: str
    host: str
    digest: str = ""


@dataclass
class Target:
    number: str
    iso: str
    public_id: str
    operator: str


@dataclass
class Plan:
    callers: list
    targets: list
    unregistered: str = "01099990000"


def prepare(callers=3, extra_targets=3):
    """Developers with active tokens, the demo subscriber and a few more: the data the load needs (ORM)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from accounts.models import ApiToken
    from api import demo
    from api.models import Subscriber

    demo.load(None)
    plan = Plan(callers=[], targets=[])
    for number, iso, operator, public_id in demo.DEMO_SUBSCRIBERS:
        plan.targets.append(Target(number, iso, public_id, operator))
    for n in range(1, extra_targets + 1):
        target = Target(f"0103000000{n}", "kr", f"load-target-{n}", f"LoadTelecom{n}")
        Subscriber.register(target.number, target.iso, target.operator, target.public_id)
        plan.targets.append(target)
    for n in range(1, callers + 1):
        email = f"load-{n}@callbacknow.test"
        user, _created = get_user_model().objects.get_or_create(username=f"load-{n}", defaults={"email": email})
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        host = f"load-{n}.callbacknow.test"
        token, plaintext = ApiToken.issue(user, f"Load {n}", host, restriction="servers", addresses=LOOPBACK)
        plan.callers.append(Caller(plaintext, host, token.digest))
    return plan


def requester_number(run_id, n):
    """A valid Korean mobile number unique to this journey (010-4RRN-NNNN)."""
    return f"0104{run_id % 10}{n:06d}"


@dataclass
class Step:
    action: str
    transport: str  # GET, JSONP or POST
    by_id: bool
    expect: tuple = SUCCESS


# A journey: a call request, often withdrawn again. The seventh targets a number nobody registered.
JOURNEYS = [
    [Step("callback", "GET", False), Step("cancel", "GET", False)],
    [Step("callback", "POST", False), Step("cancel", "POST", False)],
    [Step("neocallback", "GET", True)],
    [Step("callback", "JSONP", False)],
    [Step("neocallback", "POST", True), Step("neocancel", "GET", True)],
    [Step("callback", "GET", False), Step("cancel", "POST", True)],
    [Step("callback", "GET", False, expect=NOT_REGISTERED)],
]


@dataclass
class Sent:
    """One request as the client saw it."""

    journey: int
    step: Step
    requester: str
    target: Target | None
    status: int | None = None
    answer: tuple | None = None  # (result, reason) read from the body
    seconds: float = 0.0
    error: str = ""
    request_id: str = ""  # the answer's X-Request-Id (none from nginx's own answers)
    call_request_id: str = ""  # the answer's X-Call-Request-Id


def call_path(caller, step, requester, target, plan):
    number = plan.unregistered if step.expect == NOT_REGISTERED else target.number
    head = f"/{caller.token}/{step.action}/{requester}/kr"
    if step.by_id:
        return head + (
            f"/{target.public_id}/{quote('load test 부하')}" if step.action == "neocallback" else f"/{target.public_id}"
        )
    tail = f"/{number}/{target.iso}"
    return head + tail + (f"/{quote('load test 부하')}" if step.action == "callback" else "")


def encrypted_body(caller, step, requester, target):
    from lib.aes import encrypt_field

    action = "cancel" if step.action == "neocancel" else step.action
    fields = {
        "myaction": action,
        "mymsg": "load test 부하" if "callback" in action else "",
        "iso": "" if step.by_id else target.iso,
        "phonenumber": target.public_id if step.by_id else target.number,
        "myiso": "kr",
        "myphonenumber": requester,
        "mytoken": caller.token,
        "foot": str(next_foot(caller)),
    }
    return {name: encrypt_field(caller.token, value) if value else "" for name, value in fields.items()}


_FEET, _FEET_LOCK = {}, threading.Lock()


def next_foot(caller):
    """Now in milliseconds, but never a foot this token already sent: the API accepts each foot once per token."""
    with _FEET_LOCK:
        foot = max(int(time.time() * 1000), _FEET.get(caller.token, 0) + 1)
        _FEET[caller.token] = foot
        return foot


def send(session, base_url, plan, sent):
    from api.protocol import POST_PATH

    caller = plan.callers[sent.journey % len(plan.callers)]
    started = time.perf_counter()
    try:
        if sent.step.transport == "POST":
            response = session.post(
                base_url + POST_PATH,
                json=encrypted_body(caller, sent.step, sent.requester, sent.target),
                headers={"Referer": f"http://{caller.host}/"},
                timeout=30,
            )
        else:
            params = {"callback": "onAnswer"} if sent.step.transport == "JSONP" else None
            path = call_path(caller, sent.step, sent.requester, sent.target, plan)
            response = session.get(base_url + path, params=params, timeout=30)
        sent.seconds = time.perf_counter() - started
        sent.status = response.status_code
        sent.answer = read_answer(response)
        sent.request_id = response.headers.get("X-Request-Id", "")
        sent.call_request_id = response.headers.get("X-Call-Request-Id", "")
    except requests.RequestException as exc:
        sent.seconds = time.perf_counter() - started
        sent.error = type(exc).__name__


def read_answer(response):
    text = response.text
    if response.headers.get("Content-Type", "").startswith("application/javascript"):
        text = text[text.find("(") + 1 : text.rfind(")")]
    try:
        body = json.loads(text)
        return body["result"], body.get("reason", "")
    except (ValueError, KeyError, TypeError):
        return "not json", text[:80]


def run_load(base_url, plan, requests_budget, concurrency, time_budget=120.0, run_id=None):
    """Sends journeys until the request budget (or the time budget) is spent; returns the list of Sent."""
    run_id = int(time.time()) if run_id is None else run_id
    journeys, count = [], 0
    while count < requests_budget:
        n = len(journeys)
        steps = JOURNEYS[n % len(JOURNEYS)][: requests_budget - count]
        target = plan.targets[n % len(plan.targets)]
        journeys.append([Sent(n, step, requester_number(run_id, n), target) for step in steps])
        count += len(steps)
    deadline = time.monotonic() + time_budget
    local = threading.local()

    def journey(steps):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        for sent in steps:
            if time.monotonic() > deadline:
                return
            send(local.session, base_url, plan, sent)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(journey, journeys))
    return [sent for steps in journeys for sent in steps if sent.status is not None or sent.error]


def run_baseline(base_url, path, count, concurrency):
    """(wall seconds, [(seconds, status)…]) of `count` GETs of a baseline path at the same concurrency."""
    local = threading.local()

    def one(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        started = time.perf_counter()
        # As a TLS-terminating balancer forwards it (the production profile redirects plain-http pages).
        response = local.session.get(base_url + path, headers={"X-Forwarded-Proto": "https"}, timeout=30)
        return time.perf_counter() - started, response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(count)))
    return time.perf_counter() - started, results


# ---- the books ---------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0


@dataclass
class Accounting:
    sent: int = 0
    server_errors: int = 0  # 5xx answers
    connection_errors: int = 0
    unexpected: list = field(default_factory=list)  # answers other than the journey expected
    logged: int = 0
    log_mismatch: dict = field(default_factory=dict)  # (transport, action, result, reason): (sent, logged)
    call_requests_expected: int = 0
    call_requests_found: int = 0
    call_request_mismatch: list = field(default_factory=list)
    server_output_problems: list = field(default_factory=list)

    @property
    def balanced(self):
        return (
            self.server_errors == 0
            and self.connection_errors == 0
            and not self.unexpected
            and self.logged == self.sent
            and not self.log_mismatch
            and self.call_requests_found == self.call_requests_expected
            and not self.call_request_mismatch
            and not self.server_output_problems
        )


def logged_action(step):
    """The action the request log records: the one the API carried out, so a cancel naming an ID (the seed's
    form, by GET or POST) is a neocancel."""
    return "neocancel" if step.action in ("cancel", "neocancel") and step.by_id else step.action


def account(sent, server_output="", log_after_id=0):
    """Compares what the clients saw with the request log (entries after log_after_id) and the call
    requests in the database (ORM)."""
    from api.models import ApiRequestLog, CallRequest
    from lib import phones

    books = Accounting(sent=len(sent))
    books.server_errors = sum(1 for s in sent if s.status and s.status >= 500)
    books.connection_errors = sum(1 for s in sent if s.error)
    books.unexpected = [
        (s.step.transport, s.step.action, s.status, s.answer) for s in sent if s.answer != s.step.expect
    ]

    seen = Counter((s.step.transport, logged_action(s.step)) + tuple(s.answer or ("", "")) for s in sent)
    rows = ApiRequestLog.objects.filter(id__gt=log_after_id).values_list("transport", "action", "result", "reason")
    logged = Counter(tuple(row) for row in rows)
    books.logged = sum(logged.values())
    books.log_mismatch = {key: (seen[key], logged[key]) for key in seen | logged if seen[key] != logged[key]}

    # Each journey whose call request succeeded left exactly one, cancelled if its cancel succeeded.
    expected = {}
    for s in sent:
        if s.answer != SUCCESS:
            continue
        key = (phones.normalise(s.requester, "kr").e164, phones.normalise(s.target.number, s.target.iso).e164)
        expected[key] = CallRequest.State.CANCELLED if "cancel" in s.step.action else CallRequest.State.PENDING
    found = {
        (requester, target): state
        for requester, target, state in CallRequest.objects.values_list("requester_number", "target__number", "state")
    }
    books.call_requests_expected, books.call_requests_found = len(expected), CallRequest.objects.count()
    books.call_request_mismatch = [
        (key, state, found.get(key)) for key, state in expected.items() if found.get(key) != state
    ]

    for needle in ("database is locked", "Traceback"):
        if needle in server_output:
            books.server_output_problems.append(needle)
    return books


def figures(sent, wall_seconds, baselines):
    """Throughput, latency and the ratio to each baseline, as printed and put in bench/README.md."""
    latencies = [s.seconds for s in sent if s.status is not None]
    result = {
        "requests": len(sent),
        "throughput_rps": round(len(sent) / wall_seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
    }
    for name, (seconds, results) in baselines.items():
        rps = len(results) / seconds
        result[name] = {
            "throughput_rps": round(rps, 1),
            "p50_ms": round(percentile([t for t, _ in results], 0.50) * 1000, 1),
            "p99_ms": round(percentile([t for t, _ in results], 0.99) * 1000, 1),
            "non_200": sum(1 for _, status in results if status != 200),
            "api_throughput_ratio": round(result["throughput_rps"] / rps, 2),
        }
    return result


# ---- the command -------------------------------------------------------------------------------


def fresh_postgres_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres:postgres@127.0.0.1:5432/cbn_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (postgres)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--time-budget", type=float, default=300.0, help="seconds; journeys not begun by then are not sent"
    )
    args = parser.parse_args()

    if args.database == "sqlite":
        var_dir = Path("/tmp/cbn-load-sqlite")
        (var_dir / "db.sqlite3").unlink(missing_ok=True)
        env = server_env(f"sqlite:///{var_dir / 'db.sqlite3'}", VAR_DIR=str(var_dir))
        kind = "runserver"
    else:
        fresh_postgres_database(args.postgres_url)
        env = server_env(
            args.postgres_url,
            args.redis_url,
            production=True,
            VAR_DIR="/tmp/cbn-load-postgres",
            STATIC_ROOT="/tmp/cbn-load-postgres/static",
            TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        )
        kind = "gunicorn"
    os.environ.update(
        {k: v for k, v in env.items() if k in ("DATABASE_URL", "VAR_DIR", "TOKEN_ENCRYPTION_KEY", "SECRET_KEY")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    plan = prepare()

    from api.models import ApiRequestLog

    # bench/api_bench.py's settings: the portal's, plus its baseline view (one indexed read, one write).
    env["DJANGO_SETTINGS_MODULE"] = "bench.api_bench_settings"
    server = Server(kind, env, workers=args.workers).wait_until_up()
    try:
        baselines = {
            "baseline_view": run_baseline(
                server.url, f"/bench/baseline/{plan.callers[0].digest}/", args.requests, args.concurrency
            ),
            "healthz": run_baseline(server.url, "/healthz", args.requests, args.concurrency),
        }
        log_after_id = ApiRequestLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.perf_counter()
        sent = run_load(server.url, plan, args.requests, args.concurrency, args.time_budget)
        wall = time.perf_counter() - started
    finally:
        server.stop()
    books = account(sent, server.output(), log_after_id)
    result = {
        "database": args.database,
        "server": f"{kind} ({args.workers} workers)" if kind == "gunicorn" else "runserver (threaded)",
        "concurrency": args.concurrency,
        **figures(sent, wall, baselines),
        "server_errors_5xx": books.server_errors,
        "connection_errors": books.connection_errors,
        "unexpected_answers": len(books.unexpected),
        "logged": f"{books.logged}/{books.sent}",
        "call_requests": f"{books.call_requests_found}/{books.call_requests_expected}",
        "database_is_locked": "database is locked" in server.output(),
        "balanced": books.balanced,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if not books.balanced:
        print(
            json.dumps(
                {
                    "unexpected": books.unexpected[:10],
                    "log_mismatch": {str(k): v for k, v in books.log_mismatch.items()},
                    "call_request_mismatch": books.call_request_mismatch[:10],
                    "server_output_problems": books.server_output_problems,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
