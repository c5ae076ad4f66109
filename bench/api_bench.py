"""Benchmark of the Open API against a baseline Django view, on SQLite and on PostgreSQL.

For each database it starts from an empty one (a SQLite file under /tmp; PostgreSQL database
cbn_api_bench, dropped and created again), serves the portal with `manage.py runserver` (threaded,
DEBUG off, settings bench.api_bench_settings, which add the baseline view), and loads, one after
the other for the same number of seconds and client threads (in interleaved rounds):

  baseline       GET /bench/baseline/<digest>/ — one indexed read, one write transaction
  GET callback   /<token>/callback/01010041004/kr/01011111111/kr/hi (refreshes the pending request)
  JSONP neocall  /<token>/neocallback/01010041004/kr/airpagephone/hi?callback=cb
  GET cancel     /<token>/cancel/01010041004/kr/01099999999/kr (unregistered target: a failure)
  POST callback  the seed's encrypted body, a new foot each time (so each is new to the replay store)

It prints requests per second, the ratio to the baseline, p50/p99 latency and the SQL statements
per call (counted in-process over the same requests with Django's test client).

    .venv/bin/python bench/api_bench.py                       # SQLite, then PostgreSQL if reachable
    .venv/bin/python bench/api_bench.py --database sqlite --seconds 2 --clients 4

Only 127.0.0.1 is contacted. PostgreSQL: $BENCH_POSTGRES_URL, default
postgres://postgres:postgres@127.0.0.1:5432/cbn_api_bench; Redis (with PostgreSQL): $BENCH_REDIS_URL,
default redis://127.0.0.1:6379/3.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/cbn_api_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
MY_NUMBER, TARGET = "01010041004", "01011111111"
ROUNDS = 4


def bench_env(database):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.api_bench_settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnop",
        TOKEN_ENCRYPTION_KEY="bench-only-token-encryption-key-0123456789",
        SECURE_SSL_REDIRECT="false",
        API_RATE_LIMIT_PER_MINUTE=str(10**9),
        LOG_LEVEL="WARNING",
        # runserver serves each request in a new thread: a persistent connection would outlive it unused.
        DB_CONN_MAX_AGE="0",
        PYTHONPATH=str(ROOT),
    )
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='cbn-api-bench-')}/bench.sqlite3"
        env.pop("REDIS_URL", None)
    else:
        env["DATABASE_URL"], env["REDIS_URL"] = POSTGRES_URL, REDIS_URL
    return env


def recreate_postgres():
    import psycopg

    name = POSTGRES_URL.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare():
    """In the child: migrate, register the demo target, issue a token for 127.0.0.1; returns what the loads need."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from accounts.models import ApiToken
    from api import demo

    call_command("migrate", verbosity=0)
    cache.clear()
    demo.load(None)
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("bench", "bench@example.com")
    token, value = ApiToken.issue(owner, "Bench", "127.0.0.1")
    return token, value


def scenarios(value, digest):
    from lib.aes import encrypt_field

    def post_body():
        fields = {
            "myaction": "callback",
            "mymsg": "hi",
            "iso": "kr",
            "phonenumber": TARGET,
            "myiso": "kr",
            "myphonenumber": MY_NUMBER,
            "mytoken": value,
            "foot": str(time.time_ns() // 10**6),
        }
        # A unique message per call would not help: the foot (and the parties) make a request new.
        return json.dumps({name: encrypt_field(value, text) for name, text in fields.items()})

    return [
        ("baseline", "GET", f"/bench/baseline/{digest}/", None),
        ("GET callback", "GET", f"/{value}/callback/{MY_NUMBER}/kr/{TARGET}/kr/hi", None),
        ("JSONP neocallback", "GET", f"/{value}/neocallback/{MY_NUMBER}/kr/airpagephone/hi?callback=cb", None),
        ("GET cancel (fails)", "GET", f"/{value}/cancel/{MY_NUMBER}/kr/01099999999/kr", None),
        ("POST callback", "POST", "/callback/callback_api.php", post_body),
    ]


def load(base_url, method, path, body_factory, seconds, clients):
    """Sends requests from `clients` threads for `seconds`; returns (latencies in seconds, elapsed, failures)."""
    import requests

    latencies, statuses, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds
    # Unique feet: two POSTs in the same millisecond with the same parties would be (correctly) a replay.
    foot_lock = threading.Lock()

    def client():
        # A new connection per request: runserver's keep-alive meets delayed ACKs and adds ~40 ms a request.
        headers = {"Referer": "http://127.0.0.1/", "Content-Type": "application/json", "Connection": "close"}
        mine, codes = [], []
        while time.monotonic() < deadline:
            data = None
            if body_factory:
                with foot_lock:
                    data = body_factory()
                    time.sleep(0.001)
            started = time.perf_counter()
            response = requests.request(method, base_url + path, data=data, headers=headers, timeout=30)
            mine.append(time.perf_counter() - started)
            codes.append(response.status_code)
        with lock:
            latencies.extend(mine)
            statuses.extend(codes)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return latencies, elapsed, sum(1 for code in statuses if code >= 500)


def statements_per_call(method, path, body_factory, calls=20):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Referer": "http://127.0.0.1/"})
    with CaptureQueriesContext(connection) as queries:
        for _ in range(calls):
            if method == "GET":
                client.get(path)
            else:
                client.post(path, body_factory(), content_type="application/json")
                time.sleep(0.002)
    return len(queries) / calls


def run_child(database, seconds, clients):
    token, value = prepare()
    port = free_port()
    # The server's output goes to a file: an undrained pipe would fill up and stall the server.
    output = tempfile.NamedTemporaryFile(prefix="cbn-api-bench-server-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(base_url, server, output.name)
        plan = scenarios(value, token.digest)
        for _name, method, path, body_factory in plan:
            load(base_url, method, path, body_factory, 0.3, clients)  # warm up
        # Interleaved rounds, so that a neighbour's load on the machine falls on every scenario alike.
        totals = {name: ([], 0.0, 0) for name, *_rest in plan}
        for _round in range(ROUNDS):
            for name, method, path, body_factory in plan:
                latencies, elapsed, errors = load(base_url, method, path, body_factory, seconds / ROUNDS, clients)
                done, time_spent, failures = totals[name]
                totals[name] = (done + latencies, time_spent + elapsed, failures + errors)
        rows = []
        for name, method, path, body_factory in plan:
            latencies, elapsed, errors = totals[name]
            rows.append(
                {
                    "name": name,
                    "rps": len(latencies) / elapsed,
                    "p50": statistics.median(latencies) * 1000,
                    "p99": statistics.quantiles(latencies, n=100)[98] * 1000,
                    "sql": statements_per_call(method, path, body_factory),
                    "errors": errors,
                    "count": len(latencies),
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    tracebacks = Path(output.name).read_text(errors="replace").count("Traceback")
    if not tracebacks:
        Path(output.name).unlink()
    print(
        json.dumps(
            {
                "database": database,
                "clients": clients,
                "seconds": seconds,
                "rows": rows,
                "tracebacks": tracebacks,
                "output": output.name,
            }
        )
    )


def wait_for(base_url, server, output):
    import requests

    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {Path(output).read_text()[-3000:]}")
        try:
            requests.get(base_url + "/bench/baseline/warm-up/", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def report(result):
    rows = result["rows"]
    base = rows[0]["rps"]
    print(
        f"\n{result['database']}: {result['clients']} client threads, {result['seconds']} s per scenario in "
        f"{ROUNDS} interleaved rounds, runserver (threaded), DEBUG off"
    )
    print(f"{'scenario':<20} {'req/s':>8} {'÷ baseline':>10} {'p50 ms':>8} {'p99 ms':>8} {'SQL/call':>9} {'5xx':>5}")
    for row in rows:
        print(
            f"{row['name']:<20} {row['rps']:>8.0f} {row['rps'] / base:>10.2f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['sql']:>9.2f} {row['errors']:>5}"
        )
    print(
        f"tracebacks in the server's output: {result['tracebacks']}"
        + (f" (kept in {result['output']})" if result["tracebacks"] else "")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.database, args.seconds, args.clients)

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        if database == "postgres":
            try:
                recreate_postgres()
            except Exception as error:  # noqa: BLE001 — say why and go on with what can run
                print(f"\npostgres: skipped ({error})")
                continue
        child = subprocess.run(
            [
                PYTHON,
                __file__,
                "--child",
                "--database",
                database,
                "--seconds",
                str(args.seconds),
                "--clients",
                str(args.clients),
            ],
            env=bench_env(database),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if child.returncode:
            print(f"\n{database}: failed\n{child.stderr[-3000:]}")
            continue
        report(json.loads(child.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
