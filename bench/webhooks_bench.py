"""Benchmark of the webhooks on PostgreSQL and Redis: from a state change to the receiver, and what the outbox
costs the API.

The portal runs as in production (scripts/serve-production.sh with FRONT=none: gunicorn alone, DEBUG off) on a
database of its own (cbn_webhooks_bench, dropped and created again) and Redis (the cache and the task queue, a
queue name of the run's own); the Huey workers are `manage.py run_huey` processes (4 threads each, the default)
and the receiver is an HTTP server in this process that answers 204 at once. Only 127.0.0.1 is contacted.

  API cost      callback calls (each a new call request, so each writes the created event when an endpoint
                listens) from --clients threads, --seconds per token in 10 interleaved rounds: a token
                without an endpoint against one with an endpoint subscribed, workers stopped, so that the
                figure is the hot path's (the event's insert and the enqueue), not the workers' CPU
  backlog       for 1, then 4 worker processes: --backlog events queued through the API while no worker
                runs, then the workers started: deliveries per second from the first to the last arrival
  latency       with those workers running, --paced callback calls at --rate a second: the time from each
                state change (the event's created_at) to its arrival at the receiver, p50 and p99

Every request received is verified with the standardwebhooks package; none may be missing, duplicates are
counted. It also counts the SQL statements per callback call with and without an endpoint (in-process).

    .venv/bin/python bench/webhooks_bench.py
    .venv/bin/python bench/webhooks_bench.py --backlog 300 --paced 100 --seconds 2   # a quick look

PostgreSQL: $BENCH_POSTGRES_URL, default postgres://postgres:postgres@127.0.0.1:5432/cbn_webhooks_bench;
Redis: $BENCH_REDIS_URL, default redis://127.0.0.1:6379/8.
"""

import argparse
import http.server
import itertools
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ROOT, Server, fresh_postgres_database, percentile, server_env  # noqa: E402

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/cbn_webhooks_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
PYTHON = ROOT / ".venv" / "bin" / "python"
ROUNDS = 10
TARGET = "01011111111"
_requesters = itertools.count(1)
_requesters_lock = threading.Lock()

LOOPBACK = ["127.0.0.0/8", "::1/128"]  # the bench calls from this machine: a servers token


def next_requester():
    """A valid Korean mobile number never used before in the run (010-4NNN-NNNN): each call creates a request."""
    with _requesters_lock:
        return f"0104{next(_requesters):07d}"


# ---- the receiver and the workers --------------------------------------------------------------


class Receiver:
    """Answers 204 at once and keeps (webhook-id, arrival time, headers, body) of every request."""

    def __init__(self):
        self.received, self.lock = [], threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                arrived = time.time()
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver.lock:
                    receiver.received.append((headers.get("webhook-id"), arrived, headers, body.decode()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128  # 16 worker threads may connect at once

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def ids(self):
        with self.lock:
            return {webhook_id for webhook_id, *_rest in self.received}

    def wait_for(self, webhook_ids, timeout):
        deadline = time.monotonic() + timeout
        while not webhook_ids <= self.ids():
            if time.monotonic() > deadline:
                raise SystemExit(f"{len(webhook_ids - self.ids())} event(s) not received in {timeout} s")
            time.sleep(0.05)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Workers:
    """`count` worker processes (`manage.py run_huey`), each its own process group and log file."""

    def __init__(self, count, env):
        self.processes, self.logs = [], []
        for n in range(count):
            log_path = Path(f"/tmp/cbn-webhooks-bench-worker-{os.getpid()}-{n}.log")
            log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
            self.logs.append((log, log_path))
            self.processes.append(
                subprocess.Popen(
                    [str(PYTHON), "manage.py", "run_huey"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60
        while not all("Huey consumer started" in path.read_text(errors="replace") for _log, path in self.logs):
            if time.monotonic() > deadline or any(process.poll() is not None for process in self.processes):
                raise SystemExit(f"a worker did not start:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, (log, _path) in zip(self.processes, self.logs, strict=True):
            process.wait(timeout=30)
            log.close()

    def output(self):
        return "\n".join(path.read_text(errors="replace") for _log, path in self.logs)


# ---- the API's side ----------------------------------------------------------------------------


def callback(session, base_url, value):
    """One callback call that creates a new call request; True when the API answered success."""
    path = f"/{value}/callback/{next_requester()}/kr/{TARGET}/kr/hi"
    response = session.get(
        base_url + path, headers={"Referer": "http://127.0.0.1/", "X-Forwarded-Proto": "https"}, timeout=30
    )
    return response.status_code == 200 and response.json().get("result") == "success"


def load(base_url, value, seconds, clients):
    """Callback calls from `clients` threads for `seconds`: (calls, failures, elapsed)."""
    counts, lock = [0, 0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        session, done, failed = requests.Session(), 0, 0
        while time.monotonic() < deadline:
            if callback(session, base_url, value):
                done += 1
            else:
                failed += 1
        with lock:
            counts[0] += done
            counts[1] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0], counts[1], time.monotonic() - started


def send_count(base_url, value, count, clients):
    """Exactly `count` callback calls from `clients` threads (the backlog)."""
    remaining, lock, failures = [count], threading.Lock(), [0]

    def client():
        session = requests.Session()
        while True:
            with lock:
                if not remaining[0]:
                    return
                remaining[0] -= 1
            if not callback(session, base_url, value):
                with lock:
                    failures[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures[0]


def paced(base_url, value, count, rate):
    """`count` callback calls at `rate` a second, on schedule (one late does not delay the next)."""
    session, failures = requests.Session(), 0
    started = time.monotonic()
    for n in range(count):
        pause = started + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        failures += not callback(session, base_url, value)
    return failures


# ---- the run -----------------------------------------------------------------------------------


def prepare(receiver_url):
    """Migrations, the demo target, two developers with a token for 127.0.0.1 each; the second one's token has
    an endpoint at the receiver. Returns (token without endpoint, its value, token with, its value, secret)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.models import ApiToken
    from api import demo
    from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint

    call_command("migrate", verbosity=0)
    demo.load(None)
    tokens = []
    for name in ("plain", "hooked"):
        email = f"bench-{name}@callbacknow.test"
        user = get_user_model().objects.create_user(f"bench-{name}", email)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        tokens.append(ApiToken.issue(user, f"Bench {name}", "127.0.0.1", restriction="servers", addresses=LOOPBACK))
    _endpoint, secret = WebhookEndpoint.add(tokens[1][0], receiver_url, CALL_REQUEST_EVENTS)
    return (*tokens[0], *tokens[1], secret)


def events_of(token, after_id=0):
    from webhooks.models import WebhookEvent

    return dict(
        WebhookEvent.objects.filter(token=token, pk__gt=after_id).values_list("public_id", "created_at").iterator()
    )


def last_event_id():
    from webhooks.models import WebhookEvent

    return WebhookEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def forget_events(token):
    """Deletes the API-cost phase's events (and empties the queue), so the backlogs after it are exactly theirs."""
    from huey.contrib.djhuey import HUEY

    from webhooks.models import WebhookEvent

    WebhookEvent.objects.filter(token=token).delete()
    HUEY.flush()


def statements_per_callback(value, calls=20):
    """SQL statements of a callback call, counted in-process with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Referer": "http://127.0.0.1/"}, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(calls):
            assert client.get(f"/{value}/callback/{next_requester()}/kr/{TARGET}/kr/hi").json()["result"] == "success"
    return len(queries) / calls


def arrivals(receiver, events):
    """(latencies in seconds of the events' first arrivals, first arrival, last arrival, duplicates)."""
    first, count = {}, 0
    with receiver.lock:
        for webhook_id, arrived, _headers, _body in receiver.received:
            if webhook_id in events:
                count += 1
                first.setdefault(webhook_id, arrived)
    latencies = [first[webhook_id] - created.timestamp() for webhook_id, created in events.items()]
    return latencies, min(first.values()), max(first.values()), count - len(first)


def verify_all(receiver, secret):
    from standardwebhooks import Webhook

    webhook = Webhook(secret)
    with receiver.lock:
        for _id, _arrived, headers, body in receiver.received:
            webhook.verify(body, headers)
        return len(receiver.received)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="API cost: seconds per token, over 10 rounds")
    parser.add_argument("--clients", type=int, default=4, help="client threads of the API cost and backlogs")
    parser.add_argument("--backlog", type=int, default=1000, help="events queued before the workers start")
    parser.add_argument("--paced", type=int, default=200, help="calls of the latency phase")
    parser.add_argument("--rate", type=float, default=25.0, help="calls a second of the latency phase")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    args = parser.parse_args()

    fresh_postgres_database(POSTGRES_URL)
    queue = f"cbn-webhooks-bench-{os.getpid()}"
    env = server_env(
        POSTGRES_URL,
        REDIS_URL,
        production=True,
        FRONT="none",
        RUN_MIGRATIONS="0",
        HUEY_NAME=queue,
        VAR_DIR="/tmp/cbn-webhooks-bench",
        STATIC_ROOT="/tmp/cbn-webhooks-bench/static",
        TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        LOG_LEVEL="WARNING",
    )
    # The receiver is on 127.0.0.1, which production refuses: allowed for the bench's workers only.
    worker_env = dict(env, WEBHOOK_ALLOW_PRIVATE_URLS="true")
    os.environ.update({name: env[name] for name in ("DATABASE_URL", "REDIS_URL", "HUEY_NAME", "VAR_DIR")})
    os.environ.update(
        {
            name: env[name]
            for name in (
                "TOKEN_ENCRYPTION_KEY",
                "SECRET_KEY",
                "CACHE_KEY_PREFIX",
                "API_RATE_LIMIT_PER_MINUTE",
                "API_PER_TARGET_PER_HOUR",
                "API_PER_TARGET_PER_DAY",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    receiver = Receiver()
    plain, plain_value, hooked, hooked_value, secret = prepare(receiver.url)
    server = Server("gunicorn", env, workers=args.gunicorn_workers).wait_until_up()
    result = {
        "server": f"gunicorn, {args.gunicorn_workers} workers (serve-production.sh, FRONT=none), DEBUG off",
        "database": "PostgreSQL + Redis",
        "receiver": "HTTP server in the benchmark's process, 204 at once",
    }
    try:
        for value in (plain_value, hooked_value):
            load(server.url, value, 0.5, args.clients)  # warm-up
        totals = {"without endpoint": [0, 0, 0.0], "with endpoint": [0, 0, 0.0]}
        for _round in range(ROUNDS):
            for name, value in (("without endpoint", plain_value), ("with endpoint", hooked_value)):
                calls, failures, elapsed = load(server.url, value, args.seconds / ROUNDS, args.clients)
                totals[name] = [a + b for a, b in zip(totals[name], (calls, failures, elapsed), strict=True)]
        rates = {name: calls / elapsed for name, (calls, _failures, elapsed) in totals.items()}
        result["api"] = {
            "clients": args.clients,
            "without_endpoint_rps": round(rates["without endpoint"], 1),
            "with_endpoint_rps": round(rates["with endpoint"], 1),
            "ratio_with_to_without": round(rates["with endpoint"] / rates["without endpoint"], 3),
            "failures": sum(failures for _calls, failures, _elapsed in totals.values()),
        }
        forget_events(hooked)

        result["workers"] = []
        for count in (1, 4):
            after = last_event_id()
            failures = send_count(server.url, hooked_value, args.backlog, args.clients)
            backlog = events_of(hooked, after)
            workers = Workers(count, worker_env)
            try:
                receiver.wait_for(set(backlog), timeout=300)
                _latencies, first, last, backlog_duplicates = arrivals(receiver, backlog)
                after = last_event_id()
                failures += paced(server.url, hooked_value, args.paced, args.rate)
                events = events_of(hooked, after)
                receiver.wait_for(set(events), timeout=60)
                latencies, _first, _last, duplicates = arrivals(receiver, events)
            finally:
                workers.stop()
            result["workers"].append(
                {
                    "worker_processes": count,
                    "backlog_events": len(backlog),
                    "deliveries_per_second": round((len(backlog) - 1) / (last - first), 1),
                    "paced_events": len(events),
                    "paced_rate_per_second": args.rate,
                    "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
                    "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                    "latency_max_ms": round(max(latencies) * 1000, 1),
                    "duplicates": backlog_duplicates + duplicates,
                    "api_failures": failures,
                    "tracebacks_in_worker_output": workers.output().count("Traceback"),
                }
            )
    finally:
        server.stop()
        receiver.stop()
    result["requests_received_and_verified"] = verify_all(receiver, secret)
    result["sql_per_callback_call"] = {
        "without_endpoint": statements_per_callback(plain_value),
        "with_endpoint": statements_per_callback(hooked_value),
    }
    HUEY.flush()
    result["tracebacks_in_server_output"] = server.output().count("Traceback")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    report(result)


def report(result):
    api = result["api"]
    print(f"\n{result['server']}, {result['database']}; {result['receiver']}")
    print(
        f"API callback calls ({api['clients']} clients, workers stopped): {api['without_endpoint_rps']} req/s "
        f"without an endpoint, {api['with_endpoint_rps']} with one: ratio {api['ratio_with_to_without']}"
    )
    sql = result["sql_per_callback_call"]
    print(f"SQL statements per callback call: {sql['without_endpoint']:g} without, {sql['with_endpoint']:g} with")
    print(f"{'workers':>7} {'deliveries/s':>13} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'duplicates':>11}")
    for row in result["workers"]:
        print(
            f"{row['worker_processes']:>7} {row['deliveries_per_second']:>13} {row['latency_p50_ms']:>8} "
            f"{row['latency_p99_ms']:>8} {row['latency_max_ms']:>8} {row['duplicates']:>11}"
        )


if __name__ == "__main__":
    main()
