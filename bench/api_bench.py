"""The Open API's hot path against the durable floor, on SQLite and on PostgreSQL + Redis (issue 14).

The floor (/bench/floor/<digest>/, bench.api_bench_urls) is what any useful API call must do at least:
one indexed read of the token by its digest and one insert into the request log, through the same
settings and middleware as the portal. Each API scenario is loaded against it in the same run:

  GET callback     /<token>/callback/01010041004/kr/01011111111/kr/hi (refreshes the open request)
  JSONP callback   /<token>/neocallback/01010041004/kr/airpagephone/hi?callback=cb
  POST callback    the seed's encrypted body, each with a foot of its own (new to the replay store)
  GET cancel       /<token>/cancel/01010041004/kr/01022222222/kr (a registered target, nothing open: 409)
  GET cancel open  /<token>/cancel/<requester>/kr/01011111111/kr, each to an open request of its own (written
                   in bulk before each run, one requester number each), which it really cancels
  GET status       /<token>/status/<the callback's call request ID>

For each database it starts from an empty one (a SQLite file under /tmp; PostgreSQL database
cbn_api_bench_<pid> created for the run and dropped after it, with Redis database 3), serves it with gunicorn (3 sync
workers, DEBUG off, settings bench.api_bench_settings) and loads it with wrk (16 connections, 2
threads, keep-alive as wrk does; sync workers close each connection) in interleaved rounds: each
round runs the floor and every scenario for the same seconds, the order reversed every other round.
It prints each scenario's requests per second, its ratio to the floor, p50/p99 latency (the median
of the rounds' wrk figures) and the SQL statements per call (counted in the bench's own process over
50 calls with Django's test client, CaptureQueriesContext). Then it adds 99,990 tokens of other
hosts and runs the same again.

    .venv/bin/python bench/api_bench.py                     # or: make bench-api
    .venv/bin/python bench/api_bench.py --database sqlite --seconds 2 --rounds 2

Only 127.0.0.1 is contacted. PostgreSQL: $BENCH_POSTGRES_URL, default
postgres://postgres:postgres@127.0.0.1:5432/cbn_api_bench_<pid>; Redis: $BENCH_REDIS_URL, default
redis://127.0.0.1:6379/3. wrk: $WRK, default /usr/bin/wrk (Debian's package `wrk`).
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
WRK = os.environ.get("WRK", "/usr/bin/wrk")
# A database of this run's own: other benches and test runs on the machine drop and create theirs meanwhile.
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    f"postgres://postgres:postgres@127.0.0.1:5432/cbn_api_bench_{os.getppid() if '--child' in sys.argv else os.getpid()}",
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
MY_NUMBER, TARGET, QUIET_TARGET = "01010041004", "01011111111", "01022222222"
CONNECTIONS, WRK_THREADS, WORKERS = 16, 2, 3
TOKEN_COUNTS = (10, 100_000)
REFERER = "http://127.0.0.1/"

# wrk's script for the POST: each thread sends its own share of the pre-encrypted bodies, each once.
POST_SCRIPT = """
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  bodies, sent, step = {}, 0, tonumber(args[2])
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
end
function request()
  local body = bodies[id + 1 + sent * step]
  sent = sent + 1
  return wrk.format("POST", "/callback/callback_api.php",
    {["Content-Type"] = "application/json", ["Referer"] = "REFERER"}, body)
end
""".replace("REFERER", REFERER)

# wrk's script for a cancel of an open request: each thread sends its own share of the paths, each once.
PATHS_SCRIPT = """
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  paths, sent, step = {}, 0, tonumber(args[2])
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
function request()
  local path = paths[id + 1 + sent * step]
  sent = sent + 1
  return wrk.format("GET", path, {["Referer"] = "REFERER"})
end
""".replace("REFERER", REFERER)
# The scenario whose paths are written before each run (open_cancels), instead of one path.
CANCEL_OPEN = "cancel-open"

# Printed by every run: the latency percentiles in microseconds, read back by run_wrk().
DONE_SCRIPT = """
function done(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

LOOPBACK = ["127.0.0.0/8", "::1/128"]  # the bench calls from this machine: a servers token


def bench_env(database):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.api_bench_settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnop",
        TOKEN_ENCRYPTION_KEY="bench-only-token-encryption-key-0123456789",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        API_RATE_LIMIT_PER_MINUTE=str(10**9),
        API_PER_TARGET_PER_HOUR=str(10**9),  # the bench sends the same targets again and again
        API_PER_TARGET_PER_DAY=str(10**9),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='cbn-api-bench-')}/bench.sqlite3"
        env.pop("REDIS_URL", None)
    else:
        env["DATABASE_URL"], env["REDIS_URL"] = POSTGRES_URL, REDIS_URL
    return env


def recreate_postgres(create=True):
    import psycopg

    name = POSTGRES_URL.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- in the child, with Django set up ----------------------------------------------------------------


def prepare():
    """Migrates, registers the targets, issues the caller's token for 127.0.0.1 and 9 more; (token, plaintext)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command

    from accounts.models import ApiToken
    from api import demo
    from api.models import Subscriber

    call_command("migrate", verbosity=0)
    cache.clear()
    demo.load(None)
    Subscriber.register(QUIET_TARGET, "kr", "SRTelecom")
    owner = get_user_model().objects.create_user("bench", "bench@example.com")
    token, value = ApiToken.issue(owner, "Bench", "127.0.0.1", restriction="servers", addresses=LOOPBACK)
    add_tokens(owner, TOKEN_COUNTS[0] - 1)
    return token, value


def add_tokens(owner, count):
    """Active tokens of other hosts, written in bulk (one encrypted secret shared: only their digests differ)."""
    import secrets

    from accounts import token_crypto
    from accounts.models import ApiToken

    encrypted = token_crypto.encrypt_secret(token_crypto.generate_token())
    start = ApiToken.objects.count()
    batch = []
    for n in range(start, start + count):
        batch.append(
            ApiToken(
                owner=owner,
                name=f"Other {n}",
                host=f"site-{n}.example.net",
                state=ApiToken.State.ACTIVE,
                prefix="cbn_",
                last4="0000",
                secret_encrypted=encrypted,
                digest=token_crypto.digest(secrets.token_hex(16)),
            )
        )
        if len(batch) == 5000:
            ApiToken.objects.bulk_create(batch)
            batch = []
    ApiToken.objects.bulk_create(batch)


def post_body(value, foot):
    from lib.aes import encrypt_field

    fields = {
        "myaction": "callback",
        "mymsg": "hi",
        "iso": "kr",
        "phonenumber": TARGET,
        "myiso": "kr",
        "myphonenumber": MY_NUMBER,
        "mytoken": value,
        "foot": str(foot),
    }
    return json.dumps({name: encrypt_field(value, text) for name, text in fields.items()})


class OpenRequests:
    """Open call requests to the demo target from requester numbers never used before (010-5NNN-NNNN), written
    in bulk: the paths of their cancels, one each."""

    def __init__(self, value):
        self.value, self.next = value, 0

    def paths(self, count):
        from django.utils import timezone

        from accounts.models import ApiToken
        from api.models import CallRequest, Subscriber

        token = ApiToken.objects.get(name="Bench")
        target = Subscriber.objects.get(number="+82" + TARGET[1:])
        now = timezone.now()
        numbers = [f"0105{n:07d}" for n in range(self.next, self.next + count)]
        self.next += count
        CallRequest.objects.bulk_create(
            [
                CallRequest(
                    requester_number="+82" + number[1:],
                    requester_country="KR",
                    target=target,
                    message="hi",
                    token=token,
                    developer_id=token.owner_id,
                    created_at=now,
                    updated_at=now,
                    expires_at=CallRequest._expiry(now),
                )
                for number in numbers
            ],
            batch_size=2000,
        )
        return [f"/{self.value}/cancel/{number}/kr/{TARGET}/kr" for number in numbers]


class Feet:
    """Feet never used before by the caller's token, one millisecond apart, and at most 200 s in the past
    (the server accepts 300 s)."""

    def __init__(self, open_requests=None):
        self.next = 0
        self.open_requests = open_requests  # where the cancels of open requests come from (OpenRequests)

    def take(self, count):
        start = max(self.next, time.time_ns() // 10**6 - 200_000)
        self.next = start + count
        return range(start, start + count)


def scenarios(value, digest, status_id):
    """(name, path (None: the POST, CANCEL_OPEN: cancels of open requests), expected status, (action, transport,
    "open" for those cancels) in the request log); floor first."""
    return [
        ("floor", f"/bench/floor/{digest}/", 200, ("", "GET", "")),
        ("GET callback", f"/{value}/callback/{MY_NUMBER}/kr/{TARGET}/kr/hi", 200, ("callback", "GET", "")),
        (
            "JSONP callback",
            f"/{value}/neocallback/{MY_NUMBER}/kr/airpagephone/hi?callback=cb",
            200,
            ("neocallback", "JSONP", ""),
        ),
        ("POST callback", None, 200, ("callback", "POST", "")),
        ("GET cancel", f"/{value}/cancel/{MY_NUMBER}/kr/{QUIET_TARGET}/kr", 409, ("cancel", "GET", "")),
        ("GET cancel open", CANCEL_OPEN, 200, ("cancel", "GET", "open")),
        ("GET status", f"/{value}/status/{status_id}", 200, ("status", "GET", "")),
    ]


def statements_per_call(path, value, feet, calls=50):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Referer": REFERER})
    paths = feet.open_requests.paths(calls) if path == CANCEL_OPEN else [path] * calls
    with CaptureQueriesContext(connection) as queries:
        for foot, each in zip(feet.take(calls), paths, strict=True):
            if path is None:
                client.post("/callback/callback_api.php", post_body(value, foot), content_type="application/json")
            else:
                client.get(each)
    return len(queries) / calls


def run_wrk(base_url, path, seconds, value, feet, workdir, expected_rps):
    """One wrk run: {rps, p50, p99 (ms), requests, other_status, socket_errors}."""
    script = Path(workdir) / "done.lua"
    args = [WRK, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    if path == CANCEL_OPEN:
        paths = Path(workdir) / "paths.txt"
        count = int(max(expected_rps, 500) * seconds * 3) + 1000
        paths.write_text("\n".join(feet.open_requests.paths(count)) + "\n")
        script.write_text(PATHS_SCRIPT + DONE_SCRIPT)
        args += ["-s", str(script), base_url, "--", str(paths), str(WRK_THREADS)]
    elif path is None:
        bodies = Path(workdir) / "bodies.txt"
        count = int(max(expected_rps, 500) * seconds * 3) + 1000
        bodies.write_text("\n".join(post_body(value, foot) for foot in feet.take(count)) + "\n")
        script.write_text(POST_SCRIPT + DONE_SCRIPT)
        args += ["-s", str(script), base_url, "--", str(bodies), str(WRK_THREADS)]
    else:
        script.write_text(DONE_SCRIPT)
        args += ["-s", str(script), "-H", f"Referer: {REFERER}", base_url + path]
    output = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    requests, duration_us, p50, p99, other_status, socket_errors = map(int, found.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "requests": requests,
        "other_status": other_status,
        "socket_errors": socket_errors,
    }


def start_gunicorn(port, log_path):
    log = open(log_path, "w")  # noqa: SIM115 — the server writes to it until stopped
    command = [GUNICORN, "portal.wsgi:application", "--workers", str(WORKERS), "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", "-", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_for(base_url, server, log_path):
    import requests

    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {Path(log_path).read_text()[-3000:]}")
        try:
            requests.get(base_url + "/healthz", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def answers_since(log_id):
    """{(action, transport, requester's first 4 digits): {"status reason": count}} of the request log's entries after
    log_id (the cancels of open requests come from 0105…, every other call from 01010041004 or none)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from api.models import ApiRequestLog

    answers = {}
    rows = ApiRequestLog.objects.filter(id__gt=log_id).annotate(requester=Substr("numbers", 1, 4))
    rows = rows.values("action", "transport", "status", "reason", "requester")
    for row in rows.annotate(n=Count("id")):
        kind = "open" if row["requester"] == "0105" else ""
        found = answers.setdefault((row["action"], row["transport"], kind), {})
        found[f"{row['status']} {row['reason'] or 'success'}"] = row["n"]
    return answers


def measure(base_url, plan, value, feet, seconds, rounds, workdir):
    for _name, path, *_rest in plan:  # warm up every worker on every path
        run_wrk(base_url, path, 1, value, feet, workdir, 1000)
    from api.models import ApiRequestLog

    time.sleep(1)  # the warm-up's last answers are logged
    first_log = ApiRequestLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    runs = {name: [] for name, *_rest in plan}
    for round_number in range(rounds):
        order = plan if round_number % 2 == 0 else plan[::-1]
        for name, path, *_rest in order:
            rps = statistics.mean(run["rps"] for run in runs[name]) if runs[name] else 1000
            runs[name].append(run_wrk(base_url, path, seconds, value, feet, workdir, rps))
    time.sleep(1)
    logged = answers_since(first_log)
    rows = []
    for name, path, status, logged_as in plan:
        done = runs[name]
        rows.append(
            {
                "name": name,
                "rps": sum(run["requests"] for run in done) / (seconds * len(done)),
                "p50": statistics.median(run["p50"] for run in done),
                "p99": statistics.median(run["p99"] for run in done),
                "sql": statements_per_call(path, value, feet),
                "requests": sum(run["requests"] for run in done),
                "answers": logged.get(logged_as, {}),
                # Answers other than the scenario's own, from the request log (the floor logs "200 success").
                "unexpected": sum(
                    n for answer, n in logged.get(logged_as, {}).items() if not answer.startswith(f"{status} ")
                ),
                # Answered but not logged (a refused address's 429 is not): wrk counted more than the log holds.
                "unlogged": max(0, sum(run["requests"] for run in done) - sum(logged.get(logged_as, {}).values())),
                "socket_errors": sum(run["socket_errors"] for run in done),
            }
        )
    return rows


def run_child(database, seconds, rounds):
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from accounts.models import ApiToken

    token, value = prepare()
    owner = token.owner
    feet = Feet(OpenRequests(value))
    answer = Client(headers={"Referer": REFERER}).get(f"/{value}/callback/{MY_NUMBER}/kr/{TARGET}/kr/hi")
    plan = scenarios(value, token.digest, answer["X-Call-Request-Id"])
    workdir = tempfile.mkdtemp(prefix="cbn-api-bench-wrk-")
    port = free_port()
    log_path = Path(workdir) / "gunicorn.log"
    server = start_gunicorn(port, log_path)
    base_url = f"http://127.0.0.1:{port}"
    results = []
    try:
        wait_for(base_url, server, log_path)
        wanted = os.environ.get("BENCH_TOKENS", "both")
        for count in [n for n in TOKEN_COUNTS if wanted in ("both", str(n))]:
            add_tokens(owner, count - ApiToken.objects.count())
            cache.clear()
            rows = measure(base_url, plan, value, feet, seconds, rounds, workdir)
            results.append({"tokens": ApiToken.objects.count(), "rows": rows})
    finally:
        server.terminate()
        server.wait(timeout=20)
    server_log = log_path.read_text(errors="replace")
    tracebacks = server_log.count("Traceback")
    if not tracebacks:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        json.dumps(
            {
                "database": database,
                "seconds": seconds,
                "rounds": rounds,
                "results": results,
                "tracebacks": tracebacks,
                "log": str(log_path),
            }
        )
    )


# ---- in the parent ------------------------------------------------------------------------------------


def report(result):
    label = "SQLite" if result["database"] == "sqlite" else "PostgreSQL + Redis"
    for run in result["results"]:
        rows = run["rows"]
        floor = rows[0]["rps"]
        print(
            f"\n{label}, {run['tokens']:,} tokens: gunicorn ({WORKERS} sync workers, DEBUG off), wrk "
            f"{CONNECTIONS} connections, {result['rounds']} interleaved rounds of {result['seconds']} s"
        )
        print(
            f"{'scenario':<16} {'req/s':>7} {'÷ floor':>8} {'p50 ms':>7} {'p99 ms':>7} {'p99/p50':>8} "
            f"{'SQL/call':>8} {'unexpected':>10}"
        )
        for row in rows:
            print(
                f"{row['name']:<16} {row['rps']:>7.0f} {row['rps'] / floor:>8.2f} {row['p50']:>7.1f} "
                f"{row['p99']:>7.1f} {row['p99'] / row['p50']:>8.1f} {row['sql']:>8.2f} "
                f"{row['unexpected'] + row['unlogged'] + row['socket_errors']:>10}"
            )
        for row in rows:
            if row["unexpected"] or row["unlogged"] or row["socket_errors"]:
                print(
                    f"  {row['name']}: logged {row['answers']}, not logged {row['unlogged']}, "
                    f"socket errors {row['socket_errors']}"
                )
    print(
        f"tracebacks in the server's output: {result['tracebacks']}"
        + (f" (kept in {result['log']})" if result["tracebacks"] else "")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=4, help="seconds of each scenario in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--without", default="", help="routing,token-cache: see bench/api_bench_settings.py")
    parser.add_argument("--tokens", default="both", choices=["10", "100000", "both"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.database, args.seconds, args.rounds)
    if not os.access(WRK, os.X_OK):
        raise SystemExit(f"{WRK} not found: apt-get install wrk (or set WRK)")

    collected = []
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        if database == "postgres":
            try:
                recreate_postgres()
            except Exception as error:  # noqa: BLE001 — say why and go on with what can run
                print(f"\npostgres: skipped ({error})")
                continue
        command = [PYTHON, __file__, "--child", "--database", database]
        command += ["--seconds", str(args.seconds), "--rounds", str(args.rounds)]
        env = dict(bench_env(database), BENCH_WITHOUT=args.without, BENCH_TOKENS=args.tokens)
        child = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if database == "postgres":
            recreate_postgres(create=False)
        if child.returncode:
            print(f"\n{database}: failed\n{child.stderr[-3000:]}")
            continue
        result = json.loads(child.stdout.strip().splitlines()[-1])
        collected.append(result)
        report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(collected, indent=1))


if __name__ == "__main__":
    main()
