"""Benchmark of the pushes on PostgreSQL and Redis: call requests to devices of mixed kinds (FCM, APNs, Web Push),
pushed by real workers to the local stand-ins, and what the pushes cost the API.

The portal runs as in production (scripts/serve-production.sh with FRONT=none: gunicorn alone, DEBUG off) on a
database of its own (cbn_push_bench, dropped and created again) and Redis (the cache and the task queue, a queue
name of the run's own); the Huey workers are `manage.py run_huey` processes (HUEY_WORKERS threads each) and the
stand-ins for FCM, APNs and Web Push are the tests' (tests/push_standins.py: one hypercorn server over TLS in this
process, HTTP/2 for APNs, each request checked as the real service checks it: the OAuth2 token, the provider JWT,
the VAPID JWT, the payload decrypted). Only 127.0.0.1 is contacted.

  API cost      callback calls from --clients threads, workers stopped: to subscribers without a push target
                against subscribers whose device has one (the listener's look-up and the enqueue after the commit),
                in 10 interleaved rounds of --seconds in all: the ratio is the pushes' cost on the API's floor
  backlog       --devices call requests, one to each device (a third of each kind), queued while no worker runs;
                then --worker-processes workers: pushes per second from the first arrival to the last, and per worker
  latency       with those workers running, --paced callback calls at --rate a second: from the API's answer (its
                arrival at the client) to the push's arrival at the stand-in, p50 and p99

    .venv/bin/python bench/push_bench.py --devices 10000            # the issue's run
    .venv/bin/python bench/push_bench.py --devices 600 --paced 400 --seconds 4   # a short look

PostgreSQL: $BENCH_POSTGRES_URL, default postgres://postgres:postgres@127.0.0.1:5432/cbn_push_bench;
Redis: $BENCH_REDIS_URL, default redis://127.0.0.1:6379/9.
"""

import argparse
import itertools
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Server, fresh_postgres_database, percentile, server_env  # noqa: E402
from bench.webhooks_bench import Workers  # noqa: E402

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/cbn_push_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
ROUNDS = 10
KINDS = ("fcm", "apns", "webpush")
_requesters = itertools.count(1)
_lock = threading.Lock()


def next_requester():
    with _lock:
        return f"0104{next(_requesters):07d}"


def number_of(n):
    return f"0105{n:07d}"


# ---- the data ------------------------------------------------------------------------------------


def prepare(standin, devices, plain):
    """Migrations, a developer with a token for 127.0.0.1, `devices` subscribers each with one device key and a push
    target (kinds in turn) and `plain` subscribers with a key and no target. Returns (token value, numbers of the
    pushed subscribers, numbers of the plain ones)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts import token_crypto
    from accounts.models import ApiToken
    from api.models import Subscriber
    from device.models import DeviceKey, PushTarget

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench-push", "bench-push@callbacknow.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _token, value = ApiToken.issue(user, "Bench push", "127.0.0.1")
    numbers = [number_of(n) for n in range(devices + plain)]
    for number in numbers:
        Subscriber.register(number, "kr", "SKT")
    subscribers = list(Subscriber.objects.order_by("pk"))
    keys = DeviceKey.objects.bulk_create(
        [
            DeviceKey(subscriber=subscriber, name="Bench", prefix="cbnd_", last4="xxxx", digest=secrets.token_hex(32))
            for subscriber in subscribers
        ]
    )
    targets = []
    for n, key in enumerate(keys[:devices]):
        kind = KINDS[n % 3]
        if kind == "fcm":
            secret, environment = f"bench-fcm:{n:06d}" + "F" * 140, ""
        elif kind == "apns":
            secret, environment = f"{n:064x}", "production"
        else:
            secret, environment = json.dumps(standin.subscription().as_json()), ""
        targets.append(
            PushTarget(
                device_key=key,
                kind=kind,
                environment=environment,
                secret_encrypted=token_crypto.encrypt_secret(secret),
                shown="…",
            )
        )
    PushTarget.objects.bulk_create(targets)
    return value, numbers[:devices], numbers[devices:]


# ---- the API's side ------------------------------------------------------------------------------


def callback(session, base_url, value, target):
    """One callback call creating a new request to `target`: (the request's ID, the time its answer arrived)."""
    response = session.get(
        f"{base_url}/{value}/callback/{next_requester()}/kr/{target}/kr/hi",
        headers={"Referer": "http://127.0.0.1/", "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    answered = time.time()
    if response.status_code != 200 or response.json().get("result") != "success":
        return None, answered
    return response.headers["X-Call-Request-Id"], answered


def load(base_url, value, targets, seconds, clients):
    """Callback calls to the targets in turn from `clients` threads for `seconds`: (calls, failures, elapsed)."""
    counts, cycle, deadline = [0, 0], itertools.cycle(targets), time.monotonic() + seconds

    def client():
        session, done, failed = requests.Session(), 0, 0
        while time.monotonic() < deadline:
            with _lock:
                target = next(cycle)
            done_id, _at = callback(session, base_url, value, target)
            done, failed = done + bool(done_id), failed + (not done_id)
        with _lock:
            counts[0] += done
            counts[1] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0], counts[1], time.monotonic() - started


def send_all(base_url, value, targets, clients, rate=None):
    """One callback call to each target, from `clients` threads; at `rate` a second on schedule when given.
    Returns {call request ID: the time its answer arrived}, and the failures."""
    answered, failures, queue = {}, [0], list(enumerate(targets))
    started = time.monotonic()

    def client():
        session = requests.Session()
        while True:
            with _lock:
                if not queue:
                    return
                n, target = queue.pop(0)
            if rate:
                pause = started + n / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            found, at = callback(session, base_url, value, target)
            with _lock:
                if found:
                    answered[found] = at
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered, failures[0]


def arrivals(standin, call_request_ids, timeout):
    """{call request ID: the first arrival of its push at the stand-in}, once every one arrived (or the timeout)."""
    deadline, found = time.monotonic() + timeout, {}
    while True:
        with standin.arrived:
            for record in standin.received:
                payload = record.get("payload") or {}
                message = record.get("message") or {}
                pushed = payload.get("call_request_id") or message.get("data", {}).get("call_request_id")
                if pushed in call_request_ids:
                    found.setdefault(pushed, record["at"])
        if len(found) == len(call_request_ids) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


# ---- the run -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10000, help="devices with a push target (the backlog)")
    parser.add_argument("--seconds", type=float, default=10.0, help="API cost: seconds per kind of subscriber")
    parser.add_argument("--clients", type=int, default=8, help="client threads of the API cost and the backlog")
    parser.add_argument("--paced", type=int, default=2000, help="calls of the latency phase")
    parser.add_argument("--rate", type=float, default=200.0, help="calls a second of the latency phase")
    parser.add_argument("--worker-processes", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=8)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    args = parser.parse_args()

    from tests.push_standins import StandIn

    standin = StandIn(Path(tempfile.mkdtemp(prefix="cbn-push-bench-"))).start()
    fresh_postgres_database(POSTGRES_URL)
    queue = f"cbn-push-bench-{os.getpid()}"
    env = server_env(
        POSTGRES_URL,
        REDIS_URL,
        production=True,
        FRONT="none",
        RUN_MIGRATIONS="0",
        HUEY_NAME=queue,
        VAR_DIR="/tmp/cbn-push-bench",
        STATIC_ROOT="/tmp/cbn-push-bench/static",
        TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        LOG_LEVEL="WARNING",
    )
    # The stand-ins are on 127.0.0.1 with a CA of their own: for the workers only.
    worker_env = dict(
        env, **standin.settings(), WEBHOOK_ALLOW_PRIVATE_URLS="true", HUEY_WORKERS=str(args.worker_threads)
    )
    for name in ("DATABASE_URL", "REDIS_URL", "HUEY_NAME", "VAR_DIR", "TOKEN_ENCRYPTION_KEY", "SECRET_KEY"):
        os.environ[name] = env[name]
    os.environ.update(CACHE_KEY_PREFIX=env["CACHE_KEY_PREFIX"], API_RATE_LIMIT_PER_MINUTE="10000000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    paced_devices = args.paced
    value, pushed, plain = prepare(standin, args.devices + paced_devices, 200)
    backlog_targets, paced_targets = pushed[: args.devices], pushed[args.devices :]
    server = Server("gunicorn", env, workers=args.gunicorn_workers).wait_until_up()
    result = {
        "server": f"gunicorn, {args.gunicorn_workers} workers (serve-production.sh, FRONT=none), DEBUG off",
        "database": "PostgreSQL + Redis",
        "stand-ins": "tests/push_standins.py in the benchmark's process (hypercorn, TLS, HTTP/2 for APNs)",
    }
    try:
        # API cost: the same calls, to subscribers with and without a push target; no worker runs, and the pushes
        # queued meanwhile are dropped before the backlog.
        load(server.url, value, plain, 0.5, args.clients)
        totals = {"without": [0, 0, 0.0], "with": [0, 0, 0.0]}
        for _round in range(ROUNDS):
            for name, targets in (("without", plain), ("with", pushed)):
                counts = load(server.url, value, targets, args.seconds / ROUNDS, args.clients)
                totals[name] = [a + b for a, b in zip(totals[name], counts, strict=True)]
        rates = {name: calls / elapsed for name, (calls, _failures, elapsed) in totals.items()}
        result["api"] = {
            "clients": args.clients,
            "without_push_target_rps": round(rates["without"], 1),
            "with_push_target_rps": round(rates["with"], 1),
            "ratio_with_to_without": round(rates["with"] / rates["without"], 3),
            "failures": sum(failures for _calls, failures, _elapsed in totals.values()),
        }
        cancel_open_requests()
        HUEY.flush()

        answered, failures = send_all(server.url, value, backlog_targets, args.clients)
        workers = Workers(args.worker_processes, worker_env)
        try:
            arrived = arrivals(standin, set(answered), timeout=600)
            first, last = min(arrived.values()), max(arrived.values())
            paced_answered, paced_failures = send_all(server.url, value, paced_targets, 16, rate=args.rate)
            paced_arrived = arrivals(standin, set(paced_answered), timeout=120)
        finally:
            workers.stop()
        latencies = [paced_arrived[found] - at for found, at in paced_answered.items() if found in paced_arrived]
        per_second = (len(arrived) - 1) / (last - first)
        result["pushes"] = {
            "devices": args.devices,
            "kinds": "a third each of FCM, APNs, Web Push",
            "worker_processes": args.worker_processes,
            "threads_per_worker": args.worker_threads,
            "pushed": len(arrived),
            "missing": len(answered) - len(arrived),
            "pushes_per_second": round(per_second, 1),
            "pushes_per_second_per_worker": round(per_second / args.worker_processes, 1),
            "paced_calls": len(paced_answered),
            "paced_rate_per_second": args.rate,
            "paced_missing": len(paced_answered) - len(paced_arrived),
            "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
            "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "latency_max_ms": round(max(latencies) * 1000, 1),
            "api_failures": failures + paced_failures,
            "refused_by_the_stand_ins": len(standin.refused),
            "tracebacks_in_worker_output": workers.output().count("Traceback"),
        }
    finally:
        server.stop()
        standin.stop()
    HUEY.flush()
    result["tracebacks_in_server_output"] = server.output().count("Traceback")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    report(result)


def cancel_open_requests():
    """The API-cost phase's requests leave the way: every device's next request is a new one (closed, not pushed)."""
    from api.models import CallRequest

    CallRequest.objects.open().update(state=CallRequest.State.EXPIRED)


def report(result):
    api, pushes = result["api"], result["pushes"]
    print(f"\n{result['server']}, {result['database']}; {result['stand-ins']}")
    print(
        f"API callback calls ({api['clients']} clients, workers stopped): {api['without_push_target_rps']} req/s to "
        f"subscribers without a push target, {api['with_push_target_rps']} with one: ratio "
        f"{api['ratio_with_to_without']}"
    )
    print(
        f"{pushes['pushed']} pushes to {pushes['devices']} devices ({pushes['kinds']}), {pushes['worker_processes']} "
        f"workers x {pushes['threads_per_worker']} threads: {pushes['pushes_per_second']} pushes/s, "
        f"{pushes['pushes_per_second_per_worker']} per worker; missing {pushes['missing']}"
    )
    print(
        f"{pushes['paced_calls']} calls at {pushes['paced_rate_per_second']:g}/s: API answer -> stand-in receipt p50 "
        f"{pushes['latency_p50_ms']} ms, p99 {pushes['latency_p99_ms']} ms, max {pushes['latency_max_ms']} ms; "
        f"missing {pushes['paced_missing']}"
    )


if __name__ == "__main__":
    main()
