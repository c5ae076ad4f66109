"""Can anonymous visitors stall the site? Two attacks on scripts/serve-production.sh, with /healthz and an API call timed meanwhile.

- `tester`: visitors loop on the test page's send (each send calls the API back on the same machine);
  `--visitors distinct` gives each loop its own client address (X-Forwarded-For), so that the per-visitor
  limit does not stop them and only the page's concurrency cap protects the API.
- `slow-body`: connections send headers with a Content-Length, then one byte of the body a second.

    .venv/bin/python bench/stall.py tester --loops 6 --seconds 30
    .venv/bin/python bench/stall.py tester --loops 6 --seconds 30 --visitors distinct
    .venv/bin/python bench/stall.py slow-body --connections 40 --seconds 30

The server runs on a database of its own (cbn_stall, dropped and created again) and Redis database 7,
DEBUG off; it sends only to 127.0.0.1. tests/production/test_stall.py runs small versions of both.
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PAGE_HOST = "developers.callbacknow.test"
# As the balancer passes a page request on: over HTTPS, for the site's host.
PAGE_HEADERS = {"Host": PAGE_HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{PAGE_HOST}/tester/"}
API_PATH = "/cbn_stall_probe_token/callback/01010041004/kr/01011111111/kr/hello"
REFUSAL = re.compile(r'<ul class="errorlist nonfield">\s*<li>(.*?)</li>', re.S)  # a refused send's form error


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url, redis_url, port, base=None, **extra):
    """A production machine's environment (on top of `base`, default this one's), the test page sending to itself."""
    dropped = ("DJANGO_ALLOW_ASYNC_UNSAFE", "API_BASE_URL", "TRUSTED_PROXY_COUNT")
    env = {key: value for key, value in (os.environ if base is None else base).items() if key not in dropped}
    env.update(
        DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"cbn-stall-{os.getpid()}-{port}",
        SECRET_KEY=secrets.token_urlsafe(50),
        TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS=f"{PAGE_HOST},127.0.0.1",
        API_BASE_URL=f"http://127.0.0.1:{port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        SUPPORT_EMAIL="support@callbacknow.test",
        PUSH_CHANNELS_OFF="fcm,apns,webpush",
        BIND=f"127.0.0.1:{port}",
        BEHIND_PROXY="true",
        TRUSTED_PROXY_COUNT="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def serving(env, log_path, timeout=120):
    """scripts/serve-production.sh with this environment, until /healthz answers; stopped afterwards."""
    base = "http://" + env["BIND"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve-production.sh")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("serve-production.sh did not come up:\n" + Path(log_path).read_text())
                try:
                    if requests.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.3)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def fresh_postgres_database(url, name):
    """A database `name`, empty, on the server of `url`; its URL."""
    drop_postgres_database(url, name)
    _on_postgres_server(url, f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def drop_postgres_database(url, name):
    _on_postgres_server(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _on_postgres_server(url, statement):
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(statement)


def warm_up(base, concurrency):
    """Loads the pages and the API in every worker thread once: a cold worker's first request is slow."""

    def load():
        for path, headers in (("/tester/", PAGE_HEADERS), ("/healthz", {}), (API_PATH, {})):
            requests.get(base + path, headers=headers, timeout=30)

    threads = [threading.Thread(target=load) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- what is measured --------------------------------------------------------------------------


@dataclass
class Timings:
    """Latencies (seconds) of what a visitor or the balancer waits for; None for a request that failed."""

    healthz: list = field(default_factory=list)
    api: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # test-page sends that reached the API
    refused: list = field(default_factory=list)  # sends the page refused over its per-minute limit
    busy: list = field(default_factory=list)  # sends the page refused while the process had its sends in flight
    other: list = field(default_factory=list)  # anything else: (status or error, seconds)

    def summary(self):
        def stats(values):
            done = sorted(v for v in values if v is not None)
            if not done:
                return {"count": len(values), "failed": len(values)}
            return {
                "count": len(values),
                "failed": len(values) - len(done),
                "p50": round(done[len(done) // 2], 3),
                "max": round(done[-1], 3),
            }

        return {
            "healthz": stats(self.healthz),
            "api call": stats(self.api),
            "sends that reached the API": stats(self.sent),
            "sends refused: limit": stats(self.refused),
            "sends refused: busy": stats(self.busy),
            "other answers": _count_by_kind(self.other),
        }


def _count_by_kind(answers):
    """{kind: [count, slowest seconds]} of the answers that were neither sent nor refused."""
    kinds = {}
    for what, seconds in answers:
        count, slowest = kinds.get(str(what), (0, 0.0))
        kinds[str(what)] = (count + 1, round(max(slowest, seconds), 3))
    return kinds


def timed_get(url, headers=None, timeout=30):
    started = time.monotonic()
    try:
        response = requests.get(url, headers=headers, timeout=timeout)
        return response, time.monotonic() - started
    except requests.RequestException:
        return None, None


def probe(base, until, timings, interval=0.25):
    """/healthz and a plain API call, one after the other, until `until` (monotonic)."""
    while time.monotonic() < until:
        response, seconds = timed_get(base + "/healthz")
        timings.healthz.append(seconds if response is not None and response.status_code == 200 else None)
        response, seconds = timed_get(base + API_PATH)
        # Unknown token (401), or refused for the address once such calls are many in a minute (429): the API answered.
        timings.api.append(seconds if response is not None and response.status_code in (401, 429) else None)
        time.sleep(interval)


def visitor(base, until, timings, address):
    """An anonymous visitor at this address (as the balancer names it) who sends the form again and again."""
    headers = {**PAGE_HEADERS, "X-Forwarded-For": address}
    session = requests.Session()
    page = session.get(base + "/tester/", headers=headers, timeout=30)
    # The CSRF cookie is Secure: requests keeps it off plain HTTP, so it is sent by hand.
    headers["Cookie"] = f"csrftoken={page.cookies['csrftoken']}"
    form = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1),
        "pasted_token": "cbn_stall_probe_token",
        "action": "callback",
        "transport": "get",
        "my_number": "01010041004",
        "my_country": "kr",
        "target_number": "01011111111",
        "target_country": "kr",
        "message": "hello",
    }
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            response = session.post(base + "/tester/", data=form, headers=headers, timeout=30, allow_redirects=False)
        except requests.RequestException as error:
            timings.other.append((type(error).__name__, time.monotonic() - started))
            continue
        seconds = time.monotonic() - started
        if response.status_code == 200 and 'data-outcome="failed"' in response.text:
            timings.sent.append(seconds)
        elif response.status_code == 200 and (refusal := REFUSAL.search(response.text)):
            (timings.busy if "busy" in refusal.group(1) else timings.refused).append(seconds)
        else:
            outcome = re.search(r'data-outcome="(\w+)"', response.text)
            timings.other.append((outcome.group(1) if outcome else response.status_code, seconds))


def slow_body(bind, until, opened, chunk_every=1.0):
    """A connection that announces a form's body and then sends it one byte a second, until `until`.

    To the test page, as a browser over the balancer: the CSRF check reads the whole body before anything else.
    """
    host, port = bind.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        headers = "".join(f"{name}: {value}\r\n" for name, value in PAGE_HEADERS.items())
        sock.sendall(
            f"POST /tester/ HTTP/1.1\r\n{headers}Cookie: csrftoken={'x' * 32}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n".encode()
        )
        opened.append(sock)
        try:
            while time.monotonic() < until:
                sock.sendall(b"a")
                time.sleep(chunk_every)
        except OSError:
            pass  # the server may close a connection it gave up on: that is what it should do


def run_tester_attack(base, loops, seconds, distinct_visitors=False):
    timings = Timings()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=visitor, args=(base, until, timings, f"198.51.100.{n + 1 if distinct_visitors else 0}"))
        for n in range(loops)
    ]
    threads.append(threading.Thread(target=probe, args=(base, until, timings)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def run_slow_body_attack(base, connections, seconds, settle=2.0):
    """Opens the slow connections, waits `settle` seconds for them to be taken up, then probes."""
    timings, opened = Timings(), []
    until = time.monotonic() + settle + seconds
    bind = urlsplit(base).netloc
    threads = [threading.Thread(target=slow_body, args=(bind, until, opened)) for _ in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(settle)
    probe(base, until, timings)
    for thread in threads:
        thread.join()
    timings.opened = len(opened)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("attack", choices=["tester", "slow-body"])
    parser.add_argument("--loops", type=int, default=6, help="tester: visitors sending in a loop")
    parser.add_argument("--visitors", choices=["one", "distinct"], default="one")
    parser.add_argument("--connections", type=int, default=3, help="slow-body: connections")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server (repeatable)")
    args = parser.parse_args()

    port = free_port()
    extra = dict(item.split("=", 1) for item in args.env)
    env = production_env(
        fresh_postgres_database(args.database_url, "cbn_stall"),
        args.redis_url,
        port,
        WEB_CONCURRENCY=str(args.workers),
        VAR_DIR="/tmp/cbn-stall/var",
        STATIC_ROOT="/tmp/cbn-stall/static",
        **extra,
    )
    with serving(env, "/tmp/cbn-stall-server.log") as base:
        warm_up(base, args.workers * int(extra.get("GUNICORN_THREADS", 4)))
        if args.attack == "tester":
            timings = run_tester_attack(base, args.loops, args.seconds, args.visitors == "distinct")
        else:
            timings = run_slow_body_attack(base, args.connections, args.seconds)
    setup = {key: value for key, value in vars(args).items() if key not in ("database_url", "redis_url")}
    if args.attack == "slow-body":
        setup["connections opened"] = timings.opened
    for key, value in {**setup, **timings.summary()}.items():
        print(f"{key:28} {json.dumps(value)}")


if __name__ == "__main__":
    main()
