"""How soon a phone long-polling the device API gets a call request, measured from the API's answer to the callback.

For each database it starts from an empty one (a SQLite file under /tmp; PostgreSQL database cbn_longpoll_bench,
dropped and created again, with Redis), registers the demo subscriber, issues an API token for 127.0.0.1 and a
device key for the subscriber's phone, and serves the portal with gunicorn: gthread workers (3 processes ×
8 threads by default), DEBUG off. Then, in this process:

  the phone   loops on GET /device/v1/call-requests?wait=25&cursor=<the last answer's cursor>, noting when each
              call request first appears in an answer;
  the sender  sends callbacks one after another through the GET API (each from a new requester number, so each
              is a new call request), each once the phone has the previous one and is back in its long poll.

It prints, over the callbacks, the time from the callback's answer (X-Call-Request-Id) reaching the sender to the
long poll returning that request: p50, p99, min, max. Both clocks are this process's monotonic clock. A negative
time means the phone had the request before the sender had the answer (the request is committed before the answer
is written). Only 127.0.0.1 is contacted.

    .venv/bin/python bench/longpoll_bench.py                        # SQLite, then PostgreSQL + Redis if reachable
    .venv/bin/python bench/longpoll_bench.py --database sqlite --callbacks 100 --workers 3 --threads 8

PostgreSQL: $BENCH_POSTGRES_URL, default postgres://postgres:postgres@127.0.0.1:5432/cbn_longpoll_bench;
Redis: $BENCH_REDIS_URL, default redis://127.0.0.1:6379/4 (keys under a prefix of the run).
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(PYTHON).parent / "gunicorn"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/cbn_longpoll_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
TARGET = "01011111111"
WAIT_SECONDS = 25
WARM_UP_CALLBACKS = 5

LOOPBACK = ["127.0.0.0/8", "::1/128"]  # the bench calls from this machine: a servers token


def bench_env(database):
    scratch = tempfile.mkdtemp(prefix="cbn-longpoll-")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnop",
        TOKEN_ENCRYPTION_KEY="bench-only-token-encryption-key-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        API_BASE_URL="http://127.0.0.1/",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; a deployment has TLS in front
        API_RATE_LIMIT_PER_MINUTE=str(10**9),
        API_PER_TARGET_PER_HOUR=str(10**9),  # the bench sends the same targets again and again
        API_PER_TARGET_PER_DAY=str(10**9),
        CACHE_KEY_PREFIX=f"cbn-longpoll-{os.getpid()}",
        HUEY_NAME=f"cbn-longpoll-{os.getpid()}",
        HUEY_FILE=f"{scratch}/huey.sqlite3",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
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


def prepare():
    """In a child with the bench's environment: migrate, the demo subscriber, an API token and a device key."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.models import ApiToken
    from api import demo
    from api.models import Subscriber
    from device.models import DeviceKey

    call_command("migrate", verbosity=0)
    demo.load(None)
    owner = get_user_model().objects.create_user("bench", "bench@example.com")
    _token, token = ApiToken.issue(owner, "Bench", "127.0.0.1", restriction="servers", addresses=LOOPBACK)
    _key, key = DeviceKey.issue(Subscriber.objects.get(number="+821011111111"), "Bench phone")
    print(json.dumps({"token": token, "key": key}))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, workers, threads, log_path):
    port = free_port()
    command = [str(GUNICORN), "portal.wsgi", "--worker-class", "gthread", "--workers", str(workers)]
    command += ["--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--timeout", str(WAIT_SECONDS * 2)]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{Path(log_path).read_text()[-3000:]}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return server, log, base
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer /healthz")


class Phone(threading.Thread):
    """The CallbackNow app: one long poll after another, each with the previous answer's cursor."""

    def __init__(self, base, key):
        super().__init__(daemon=True)
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"
        self.arrived, self.polls, self.errors = {}, 0, 0
        self.waiting = threading.Event()  # set while a poll is on its way or waiting on the server
        self.stop = threading.Event()

    def poll(self, wait, cursor=""):
        params = {"wait": wait, **({"cursor": cursor} if cursor else {})}
        self.waiting.set()
        response = self.session.get(self.base + "/device/v1/call-requests", params=params, timeout=wait + 15)
        self.waiting.clear()
        returned = time.perf_counter()
        if response.status_code != 200:
            self.errors += 1
            return cursor
        self.polls += 1
        answer = response.json()
        for call_request in answer["call_requests"]:
            self.arrived.setdefault(call_request["id"], returned)
        return answer["cursor"]

    def run(self):
        cursor = self.poll(0)
        while not self.stop.is_set():
            cursor = self.poll(WAIT_SECONDS, cursor)


def send_callbacks(base, token, phone, count, first_number):
    """Sends `count` callbacks one after another; returns [(seconds from the answer to the phone, API ms)]."""
    session = requests.Session()
    measured = []
    for number in range(first_number, first_number + count):
        # Let the phone take its last answer and start its next poll: a poll already waiting is the case measured.
        time.sleep(random.uniform(0.05, 0.25))
        phone.waiting.wait(timeout=WAIT_SECONDS)
        started = time.perf_counter()
        response = session.get(f"{base}/{token}/callback/010{number:08d}/kr/{TARGET}/kr/bench", timeout=30)
        answered = time.perf_counter()
        call_request_id = response.headers.get("X-Call-Request-Id")
        if response.status_code != 200 or not call_request_id:
            raise SystemExit(f"the callback failed: {response.status_code} {response.text}")
        deadline = answered + WAIT_SECONDS + 5
        while call_request_id not in phone.arrived and time.perf_counter() < deadline:
            time.sleep(0.001)
        if call_request_id not in phone.arrived:
            raise SystemExit(f"the phone never got {call_request_id}")
        measured.append((phone.arrived[call_request_id] - answered, (answered - started) * 1000))
    return measured


def run(database, callbacks, workers, threads):
    if database == "postgres":
        recreate_postgres()
    env = bench_env(database)
    prepared = subprocess.run([PYTHON, __file__, "--prepare"], env=env, cwd=ROOT, capture_output=True, text=True)
    if prepared.returncode:
        raise SystemExit(f"{database}: preparing failed\n{prepared.stderr[-3000:]}")
    secrets = json.loads(prepared.stdout.strip().splitlines()[-1])
    log_path = tempfile.mktemp(prefix="cbn-longpoll-server-", suffix=".log")
    server, log, base = start_server(env, workers, threads, log_path)
    phone = Phone(base, secrets["key"])
    try:
        phone.start()
        send_callbacks(base, secrets["token"], phone, WARM_UP_CALLBACKS, 10000000)  # every worker process warm
        measured = send_callbacks(base, secrets["token"], phone, callbacks, 20000000)
    finally:
        phone.stop.set()
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = Path(log_path).read_text(errors="replace")
    return {
        "database": database,
        "workers": workers,
        "threads": threads,
        "delays_ms": [delay * 1000 for delay, _api in measured],
        "api_ms": [api for _delay, api in measured],
        "polls": phone.polls,
        "poll_errors": phone.errors,
        "tracebacks": output.count("Traceback"),
        "log": log_path,
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(result):
    delays, api = result["delays_ms"], result["api_ms"]
    label = "SQLite" if result["database"] == "sqlite" else "PostgreSQL + Redis"
    print(
        f"\n{label}: gunicorn gthread, {result['workers']} processes × {result['threads']} threads, DEBUG off; "
        f"{len(delays)} callbacks, one phone long-polling (wait={WAIT_SECONDS})"
    )
    print(
        f"  answer → phone: p50 {percentile(delays, 0.5):.0f} ms, p99 {percentile(delays, 0.99):.0f} ms "
        f"(min {min(delays):.0f}, mean {statistics.mean(delays):.0f}, max {max(delays):.0f})"
    )
    print(f"  the callback's own answer: p50 {percentile(api, 0.5):.1f} ms, p99 {percentile(api, 0.99):.1f} ms")
    print(
        f"  long polls answered: {result['polls']}, failed: {result['poll_errors']}; "
        f"tracebacks in the server's output: {result['tracebacks']}"
        + (f" ({result['log']})" if result["tracebacks"] else "")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--callbacks", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare()
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        try:
            result = run(database, args.callbacks, args.workers, args.threads)
        except Exception as error:  # noqa: BLE001 - say why and go on with what can run
            print(f"\n{database}: skipped ({type(error).__name__}: {error})")
            continue
        report(result)


if __name__ == "__main__":
    main()
