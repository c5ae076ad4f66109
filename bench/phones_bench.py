"""Phones at scale (issue 21): thousands of phones held open on the production layout, and how soon each gets its call.

The portal runs as in production (scripts/serve-production.sh: nginx in front, the gthread gunicorn for the API and
the pages, the phone servers (portal.asgi) for the device API's held connections, DEBUG off) on PostgreSQL (its own
database, cbn_phones_bench, dropped and created again) and Redis (a database number of its own, keys under a
prefix of the run). Its data: --phones subscribers (010-2000-0000 onwards) with a device key each, and an API
token for 127.0.0.1. Then one asyncio process, speaking HTTP/1.1 by hand on raw sockets (one per phone), runs:

  the phones       half hold GET /device/v1/events (Server-Sent Events), half long-poll
                   GET /device/v1/call-requests?wait=30&cursor=… and poll again at once with the answer's cursor;
                   opened RAMP_BATCH at a time, the streams first, each batch once the server's database is quiet
                   (--streaming sets the streams' share)
  idle             the database's statements a second (its transactions, pg_stat_database's xact_commit +
                   xact_rollback: each autocommit statement is one) over --window seconds with no phone held,
                   with the streams held, and with every phone held, nothing sent; the figure is all held less
                   none held. And the RSS of nginx and the phone servers, all held less none held, per phone
  the requests     --requests callbacks through the Open API's GET form to random phones (each from a requester
                   number of its own, so each is a new call request), --rate a second; for each, the time from
                   the API's answer (X-Call-Request-Id) to the phone reading that request (its stream's event,
                   or a long poll's answer listing it); a request its phone has not read 10 s after the answer
                   is lost
  throughput       wrk (16 connections) on the Open API's status call for --window seconds with no phone held,
                   with every phone held, and with none again once they hung up: all held over the mean of the
                   two (the machine's other load drifts)

Every answer to a phone or to the sender is counted by its status (5xx above all), and each figure is printed
against its target. PostgreSQL's counters reach pg_stat_database up to 10 s after a statement, so each idle window
starts 11 s after the server's database was last quiet, and the long polls wait 30 s (the API's longest wait) so
that few end inside the held window; how many did is printed. Only 127.0.0.1 is contacted. This process raises its
open-files limit (each phone is a socket here, and two in nginx, which inherits it).

    .venv/bin/python bench/phones_bench.py                    # or: make bench-phones (10,000 phones, 1,000 requests)
    .venv/bin/python bench/phones_bench.py --phones 500 --requests 100 --window 5
    .venv/bin/python bench/phones_bench.py --phones 200 --requests 50 --json   # tests/production/test_phones_at_scale.py

PostgreSQL: $BENCH_POSTGRES_URL, default postgres://postgres:postgres@127.0.0.1:5432/cbn_phones_bench;
Redis: $BENCH_REDIS_URL, default redis://127.0.0.1:6379/9. wrk: $WRK, default /usr/bin/wrk (without it the
throughput is not measured).
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import DONE_SCRIPT  # noqa: E402
from bench.load import Server, fresh_postgres_database, percentile, server_env  # noqa: E402

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/cbn_phones_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
WRK = os.environ.get("WRK", "/usr/bin/wrk")
FIRST_PHONE = 1020000000  # 010-2000-0000: valid Korean mobile numbers, outside test mode's reserved range
FIRST_REQUESTER = 1030000000  # 010-3000-0000
POLL_WAIT = 30
RAMP_BATCH = 500
LOST_AFTER = 10.0
STATS_SETTLE = 11.0  # a PostgreSQL backend reports its counters at most 10 s after a statement
QUIET_SECONDS = 0.5
BATCH_SECONDS = 15.0
CATCH_UP_SECONDS = 60.0
SENDERS = 8
# The balancer's word that the client spoke HTTPS (BEHIND_PROXY): the device API is not redirected to https://.
COMMON_HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}

TARGETS = (
    ("latency_p50_ms", "request → phone latency, p50", "< 100 ms", lambda value: value < 100),
    ("latency_p99_ms", "request → phone latency, p99", "< 1 s", lambda value: value < 1000),
    ("lost", "requests lost", "0", lambda value: value == 0),
    ("answers_5xx", "5xx answers", "0", lambda value: value == 0),
    ("idle_statements_per_second", "database statements a second from idle phones", "≈ 0", lambda value: value < 1),
    ("rss_per_phone_kib", "RSS per held connection (nginx + phone servers), KiB", "printed", None),
    ("throughput_ratio", "the API's throughput, phones held ÷ none held", "≥ 0.8", lambda value: value >= 0.8),
)

LOOPBACK = ["127.0.0.0/8", "::1/128"]  # the bench calls from this machine: a servers token


# ---- the data, through the ORM in this process -------------------------------------------------


def prepare(count):
    """Migrates, then `count` subscribers with a device key each, an API token for 127.0.0.1 and a subscriber
    without a phone (the throughput's status call reads a request to it). Returns (token, [(number, key)])."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from accounts.models import ApiToken
    from api.models import Subscriber
    from device.models import DeviceKey

    call_command("migrate", verbosity=0)
    numbers = [f"0{FIRST_PHONE + n}" for n in range(count + 1)]
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(number=f"+82{number[1:]}", country="KR", operator="SRTelecom") for number in numbers],
        batch_size=1000,
    )
    keys, plaintexts = [], []
    for subscriber in subscribers[:count]:
        key = DeviceKey(subscriber=subscriber, name="Bench phone")
        plaintexts.append(key.set_new_secret())
        keys.append(key)
    DeviceKey.objects.bulk_create(keys, batch_size=1000)
    owner = get_user_model().objects.create_user("bench", "bench@example.com")
    _token, token = ApiToken.issue(owner, "Bench", "127.0.0.1", restriction="servers", addresses=LOOPBACK)
    with connections["default"].cursor() as cursor:
        # Analysed now, and no autovacuum during the run: its transactions would count in an idle window.
        cursor.execute("ANALYZE")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
    connections.close_all()  # idle from now on: the database's counters are the server's alone
    return token, list(zip(numbers, plaintexts, strict=False))


# ---- HTTP/1.1 by hand: one socket a phone --------------------------------------------------------


class Stale(Exception):
    """A kept-alive connection the server had closed before our request: send it again on a new one."""


class Connection:
    """One HTTP/1.1 connection to nginx, kept alive between requests, opened again when the server closed it."""

    def __init__(self, port):
        self.port, self.reader, self.writer, self.reused = port, None, None, False

    async def send(self, path, headers=None):
        self.reused = self.writer is not None
        if not self.reused:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"GET {path} HTTP/1.1"] + [
            f"{name}: {value}" for name, value in {**COMMON_HEADERS, **(headers or {})}.items()
        ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def head(self):
        """(status, {lower-case name: value}) of the answer."""
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionResetError):
            self.close()
            if self.reused:
                raise Stale from None
            raise
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _colon, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(status_line.split(" ", 2)[1]), headers

    async def pieces(self, headers):
        """The body as it arrives: by chunks, by Content-Length, or up to the connection's close."""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                yield (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        elif "content-length" in headers:
            yield await self.reader.readexactly(int(headers["content-length"]))
        else:
            while data := await self.reader.read(65536):
                yield data
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()

    async def body(self, headers):
        return b"".join([piece async for piece in self.pieces(headers)])

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def retry_after(headers):
    value = headers.get("retry-after", "")
    return float(value) if value.isdigit() else 1.0


class EventParser:
    """Server-Sent Events: lines in, {field: value} out at each blank line; comments (heartbeats) skipped."""

    def __init__(self):
        self.buffer, self.fields = b"", {}

    def feed(self, data):
        *lines, self.buffer = (self.buffer + data).split(b"\n")
        events = []
        for raw in lines:
            line = raw.rstrip(b"\r").decode()
            if not line:
                if self.fields:
                    events.append(self.fields)
                self.fields = {}
            elif not line.startswith(":"):
                name, _colon, value = line.partition(":")
                self.fields[name] = value.removeprefix(" ")
        return events


# ---- the phones and the sender -----------------------------------------------------------------


@dataclass
class Phone:
    index: int
    number: str  # national form, 010…
    key: str
    streams: bool
    held: bool = False


@dataclass
class Books:
    """What every phone read, and every answer's status, on this process's monotonic clock."""

    read: dict = field(default_factory=dict)  # call request ID -> (time, phone index), its first read
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0  # connections refused, reset or ended before an answer
    poll_answers: int = 0
    api_failures: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)  # a phone's answers other than 200, by status and reason

    def note_read(self, phone, call_request_id, at):
        self.read.setdefault(call_request_id, (at, phone.index))

    def note_refusal(self, status, body):
        try:
            reason = json.loads(body)["reason"]
        except (ValueError, KeyError, TypeError):
            reason = body[:60].decode(errors="replace")
        self.refusals[f"{status} {reason}"] += 1


async def stream(phone, port, books):
    """The phone's event stream, opened again (from its last event's ID) whenever it ends."""
    last_event_id = None
    while True:
        connection = Connection(port)
        headers = {"Authorization": f"Bearer {phone.key}", "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        try:
            await connection.send("/device/v1/events", headers)
            status, answer = await connection.head()
            books.statuses[status] += 1
            if status != 200:
                books.note_refusal(status, await connection.body(answer))
                await asyncio.sleep(retry_after(answer))
                continue
            phone.held = True
            last_event_id = await read_events(phone, connection, answer, books) or last_event_id
        except (OSError, asyncio.IncompleteReadError, Stale):
            books.failures += 1
            await asyncio.sleep(1)
        finally:
            phone.held = False
            connection.close()


async def read_events(phone, connection, answer, books):
    """Notes each call request the stream names until it ends; returns the last event's ID."""
    parser, last_event_id = EventParser(), None
    async for piece in connection.pieces(answer):
        at = time.monotonic()
        for event in parser.feed(piece):
            if "data" in event:
                books.note_read(phone, json.loads(event["data"])["id"], at)
                last_event_id = event.get("id", last_event_id)
    return last_event_id


async def poll(phone, port, books):
    """The phone's long poll, sent again at once with the answer's cursor."""
    connection = Connection(port)
    try:
        await long_polls(phone, connection, books)
    finally:
        connection.close()


async def long_polls(phone, connection, books):
    """Long polls one after another on the phone's connection, noting the requests each answer lists."""
    cursor, authorization = "", {"Authorization": f"Bearer {phone.key}"}
    while True:
        path = f"/device/v1/call-requests?wait={POLL_WAIT}" + (f"&cursor={cursor}" if cursor else "")
        try:
            await connection.send(path, authorization)
            phone.held = True
            status, answer = await connection.head()
            body = await connection.body(answer)
        except Stale:
            continue
        except (OSError, asyncio.IncompleteReadError):
            books.failures += 1
            connection.close()
            await asyncio.sleep(1)
            continue
        finally:
            phone.held = False
        at = time.monotonic()
        books.statuses[status] += 1
        if status != 200:
            books.note_refusal(status, body)
            await asyncio.sleep(retry_after(answer))
            continue
        books.poll_answers += 1
        listed = json.loads(body)
        for call_request in listed["call_requests"]:
            books.note_read(phone, call_request["id"], at)
        cursor = listed["cursor"]


async def ramp(phones, port, books, database):
    """Opens the phones RAMP_BATCH at a time, each batch once the previous one is held and the server has done its
    database work for them (or after BATCH_SECONDS); returns their tasks."""
    tasks = []
    for start in range(0, len(phones), RAMP_BATCH):
        batch = phones[start : start + RAMP_BATCH]
        tasks += [asyncio.create_task((stream if phone.streams else poll)(phone, port, books)) for phone in batch]
        deadline = time.monotonic() + BATCH_SECONDS
        while time.monotonic() < deadline and not (all(phone.held for phone in batch) and database.quiet()):
            await asyncio.sleep(0.1)
    return tasks


async def call(connection, path, books):
    """One Open API call on a kept-alive connection: (status, headers, body), or None when the connection failed."""
    try:
        try:
            await connection.send(path)
            status, headers = await connection.head()
        except Stale:
            await connection.send(path)
            status, headers = await connection.head()
        body = await connection.body(headers)
    except (OSError, asyncio.IncompleteReadError, Stale):
        books.failures += 1
        connection.close()
        return None
    books.statuses[status] += 1
    return status, headers, body


async def send_requests(port, token, targets, rate, books):
    """A callback to each target phone in turn, `rate` a second from SENDERS connections; returns
    {call request ID: (time of the API's answer, the target phone's index)}."""
    jobs, answered = asyncio.Queue(), {}

    async def sender():
        connection = Connection(port)
        while True:
            number, phone = await jobs.get()
            path = f"/{token}/callback/0{FIRST_REQUESTER + number}/kr/{phone.number}/kr/bench"
            answer = await call(connection, path, books)
            if answer is not None:
                status, headers, body = answer
                if status == 200 and "x-call-request-id" in headers:
                    answered[headers["x-call-request-id"]] = (time.monotonic(), phone.index)
                else:
                    books.api_failures[f"{status} {body[:100].decode(errors='replace')}"] += 1
            jobs.task_done()

    senders = [asyncio.create_task(sender()) for _ in range(SENDERS)]
    started = time.monotonic()
    for number, phone in enumerate(targets):
        await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
        jobs.put_nowait((number, phone))
    await jobs.join()
    for task in senders:
        task.cancel()
    return answered


async def wait_for_phones(answered, books):
    """Until every answered request is read by a phone, or LOST_AFTER seconds after the last answer."""
    deadline = max((at for at, _phone in answered.values()), default=0.0) + LOST_AFTER
    while time.monotonic() < deadline and not all(found in books.read for found in answered):
        await asyncio.sleep(0.05)


def latencies(answered, books, phones):
    """Milliseconds from each answer to its phone's read, by the phone's kind ("streams", "long_polls"); requests
    not read by their own phone within LOST_AFTER are left out (lost)."""
    found = {"streams": [], "long_polls": []}
    for call_request_id, (answered_at, phone_index) in answered.items():
        read_at, reader = books.read.get(call_request_id, (None, None))
        if reader == phone_index and read_at - answered_at <= LOST_AFTER:
            found["streams" if phones[phone_index].streams else "long_polls"].append((read_at - answered_at) * 1000)
    return found


# ---- the server's side: statements, memory, throughput -------------------------------------------


class Database:
    """The bench database, watched from another one (so that the watching counts in neither figure)."""

    def __init__(self, url):
        import psycopg

        admin, self.name = url.rsplit("/", 1)
        self.connection = psycopg.connect(admin + "/postgres", autocommit=True, connect_timeout=3)

    def statements(self):
        """Its transactions so far: each autocommit statement is one."""
        query = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s"
        return self.connection.execute(query, [self.name]).fetchone()[0]

    async def statements_per_second(self, seconds):
        before = self.statements()
        await asyncio.sleep(seconds)
        return (self.statements() - before) / seconds

    def quiet(self):
        """No statement running on it, and none begun in the last QUIET_SECONDS (pg_stat_activity: live)."""
        busy, latest = self.connection.execute(
            "SELECT count(*) FILTER (WHERE state <> 'idle'), extract(epoch FROM clock_timestamp() - max(query_start)) "
            "FROM pg_stat_activity WHERE datname = %s",
            [self.name],
        ).fetchone()
        return busy == 0 and (latest is None or latest > QUIET_SECONDS)

    async def until_quiet(self, timeout):
        """Seconds until it was quiet, or None when it was not within `timeout`."""
        started = time.monotonic()
        while not self.quiet():
            if time.monotonic() - started > timeout:
                return None
            await asyncio.sleep(0.1)
        return time.monotonic() - started


def serving_rss_kib(root_pid):
    """The resident memory of nginx's and the phone servers' (portal.asgi) processes under the server's script, in KiB."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, list(children.get(root_pid, []))
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if command.startswith("nginx") or "portal.asgi" in command:
            total += int(re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE).group(1))
    return total


async def throughput(url, seconds):
    """wrk's requests a second on `url` (16 connections) and its count of answers other than 2xx or 3xx;
    None without wrk."""
    if not shutil.which(WRK):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(DONE_SCRIPT)
        script.flush()
        process = await asyncio.create_subprocess_exec(
            WRK,
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            url,
            stdout=asyncio.subprocess.PIPE,
        )
        output = (await process.communicate())[0].decode()
    requests, duration_us, _p50, _p99, other_status, _socket_errors = map(
        int, re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE).groups()
    )
    return {"rps": requests / (duration_us / 1e6), "other_status": other_status}


# ---- the run -------------------------------------------------------------------------------------


@dataclass
class Run:
    port: int
    token: str
    phones: list
    requests: int
    rate: float
    window: int
    server_pid: int
    books: Books = field(default_factory=Books)
    figures: dict = field(default_factory=dict)


async def warm_up(run):
    """A callback to the subscriber without a phone, its status asked again and again, device polls on new
    connections (every worker's first requests) and 2 s of wrk; returns the status call's path."""
    connection = Connection(run.port)
    path = f"/{run.token}/callback/0{FIRST_REQUESTER - 1}/kr/0{FIRST_PHONE + len(run.phones)}/kr/bench"
    answer = await call(connection, path, run.books)
    if answer is None or answer[0] != 200:
        raise SystemExit(f"the API refused the warm-up callback: {answer}")
    status_path = f"/{run.token}/status/{answer[1]['x-call-request-id']}"
    for _ in range(20):
        await call(connection, status_path, run.books)
    connection.close()
    for _ in range(10):
        device = Connection(run.port)
        await device.send("/device/v1/call-requests", {"Authorization": f"Bearer {run.phones[0].key}"})
        status, headers = await device.head()
        await device.body(headers)
        run.books.statuses[status] += 1
        device.close()
    await throughput(f"http://127.0.0.1:{run.port}{status_path}", 2)
    return status_path


async def measure(run):
    """The run's phases in order; its figures in run.figures."""
    figures, books, database = run.figures, run.books, Database(POSTGRES_URL)
    status_url = f"http://127.0.0.1:{run.port}" + await warm_up(run)
    none_held_before = await throughput(status_url, run.window)
    await asyncio.sleep(STATS_SETTLE)
    baseline = await database.statements_per_second(run.window)
    rss_none = serving_rss_kib(run.server_pid)

    streams, pollers = [p for p in run.phones if p.streams], [p for p in run.phones if not p.streams]
    tasks = await hold(streams, "streams", run, database)
    streams_rate = await database.statements_per_second(run.window)
    tasks += await hold(pollers, "long_polls", run, database)
    figures["held"] = sum(phone.held for phone in run.phones)
    polls_before = books.poll_answers
    held_rate = await database.statements_per_second(run.window)
    figures["long_polls_answered_in_idle_window"] = books.poll_answers - polls_before
    figures["idle_statements_per_second"] = max(0.0, held_rate - baseline)
    figures["statements_per_second"] = {"none_held": baseline, "streams_held": streams_rate, "all_held": held_rate}
    figures["rss_per_phone_kib"] = (serving_rss_kib(run.server_pid) - rss_none) / len(run.phones)

    await send_and_follow(run)
    all_held = await throughput(status_url, run.window)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(3)  # nginx and the phone servers let go of the connections
    none_held_after = await throughput(status_url, run.window)
    database.connection.close()
    tally(run, [none_held_before, all_held, none_held_after])


async def hold(phones, kind, run, database):
    """Opens these phones, waits for the server to be done with them (at most CATCH_UP_SECONDS) and for its
    statements to reach PostgreSQL's counters; their tasks."""
    started = time.monotonic()
    tasks = await ramp(phones, run.port, run.books, database)
    run.figures[f"ramp_seconds_{kind}"] = time.monotonic() - started
    run.figures[f"catch_up_seconds_{kind}"] = await database.until_quiet(CATCH_UP_SECONDS)
    await asyncio.sleep(STATS_SETTLE)
    return tasks


async def send_and_follow(run):
    """The call requests to random phones (the same ones every run), and how soon each phone read its own."""
    targets = random.Random(21).choices(run.phones, k=run.requests)
    answered = await send_requests(run.port, run.token, targets, run.rate, run.books)
    await wait_for_phones(answered, run.books)
    by_kind = latencies(answered, run.books, run.phones)
    found = by_kind["streams"] + by_kind["long_polls"]
    run.figures.update(
        sent=run.requests,
        answered=len(answered),
        lost=run.requests - len(found),
        latency_p50_ms=percentile(found, 0.5) if found else None,
        latency_p99_ms=percentile(found, 0.99) if found else None,
        latency_max_ms=max(found, default=None),
        latency_p50_p99_ms_by_kind={
            kind: [percentile(values, 0.5), percentile(values, 0.99)] for kind, values in by_kind.items() if values
        },
        held_after_requests=sum(phone.held for phone in run.phones),
    )


def tally(run, wrk_runs):
    """The answers by status and the throughput ratio: all held over the mean of none held before and after
    (the machine's other load drifts)."""
    figures, statuses = run.figures, run.books.statuses
    wrk_errors = sum(wrk["other_status"] for wrk in wrk_runs if wrk)
    figures["answers_5xx"] = sum(n for status, n in statuses.items() if status >= 500) + wrk_errors
    if all(wrk_runs):
        before, all_held, after = (wrk["rps"] for wrk in wrk_runs)
        figures["throughput_rps"] = {"none_held_before": before, "all_held": all_held, "none_held_after": after}
        figures["throughput_ratio"] = all_held / ((before + after) / 2)
    figures.update(
        statuses={str(status): n for status, n in sorted(statuses.items())},
        connection_failures=run.books.failures,
        refusals=dict(run.books.refusals),
        api_failures=dict(run.books.api_failures),
    )


def production_env(phones):
    """The server's environment: production's, on the bench's database and Redis, its limits out of the way."""
    scratch = tempfile.mkdtemp(prefix="cbn-phones-bench-")
    env = server_env(
        POSTGRES_URL,
        REDIS_URL,
        production=True,
        DJANGO_SETTINGS_MODULE="portal.settings",
        TOKEN_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        VAR_DIR=scratch,
        STATIC_ROOT=f"{scratch}/static",
        CACHE_KEY_PREFIX=f"cbn-phones-{os.getpid()}",
        HUEY_NAME=f"cbn-phones-{os.getpid()}",
        API_REFUSED_PER_ADDRESS_PER_MINUTE=str(10**9),
        LOG_LEVEL="WARNING",
    )
    # Every phone may land on one ASGI process: its cap must not be what is measured.
    env.setdefault("DEVICE_HELD_CONNECTIONS_PER_PROCESS", str(phones + 100))
    return env


def run_bench(args):
    fresh_postgres_database(POSTGRES_URL)
    env = production_env(args.phones)
    shared = ("DATABASE_URL", "REDIS_URL", "VAR_DIR", "TOKEN_ENCRYPTION_KEY", "SECRET_KEY", "CACHE_KEY_PREFIX")
    os.environ.update({name: env[name] for name in shared}, DJANGO_SETTINGS_MODULE="portal.settings")
    token, numbers = prepare(args.phones)
    streaming = round(args.phones * args.streaming)
    phones = [Phone(n, number, key, n < streaming) for n, (number, key) in enumerate(numbers[: args.phones])]
    server = Server("gunicorn", env, workers=2 * (os.cpu_count() or 1) + 1).wait_until_up()
    run = Run(server.port, token, phones, args.requests, args.rate, args.window, server.process.pid)
    load_before = os.getloadavg()[0]  # the machine's other work: the figures move with it
    try:
        asyncio.run(measure(run))
    finally:
        server.stop()
    run.figures["load_average"] = [load_before, os.getloadavg()[0]]
    output = server.output()
    run.figures.update(
        phones=args.phones,
        streaming=streaming,
        long_polling=args.phones - streaming,
        rate=args.rate,
        window_seconds=args.window,
        tracebacks=output.count("Traceback"),
        server_log=str(server.log_path),
    )
    return run.figures


def verdicts(figures):
    """(label, value, target, True/False, or None when printed only or not measured) for each figure."""
    return [
        (label, figures.get(key), target, None if check is None or figures.get(key) is None else check(figures[key]))
        for key, label, target, check in TARGETS
    ]


def shown(value):
    return "not measured" if value is None else f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def report(figures):
    print(
        f"\n{figures['phones']:,} phones ({figures['streaming']:,} streaming, {figures['long_polling']:,} long-polling), "
        f"{figures['sent']:,} requests at {figures['rate']:g}/s; scripts/serve-production.sh on PostgreSQL + Redis"
    )
    print(f"{'figure':<52} {'value':>14}  {'target':<10}")
    for label, value, target, passed in verdicts(figures):
        verdict = "" if passed is None else "ok" if passed else "MISSED"
        print(f"{label:<52} {shown(value):>14}  {target:<10} {verdict}")
    statements = figures["statements_per_second"]
    by_kind = ", ".join(
        f"{kind.replace('_', ' ')} {p50:,.0f} / {p99:,.0f} ms"
        for kind, (p50, p99) in figures["latency_p50_p99_ms_by_kind"].items()
    )
    print(
        f"\n  held: {figures['held']:,} of {figures['phones']:,}, {figures['held_after_requests']:,} after the requests; "
        f"latency p50 / p99 {by_kind}, max {shown(figures['latency_max_ms'])} ms; "
        f"load average {figures['load_average'][0]:.1f} before, {figures['load_average'][1]:.1f} after"
    )
    for kind in ("streams", "long_polls"):
        caught_up = figures[f"catch_up_seconds_{kind}"]
        print(
            f"  {kind.replace('_', ' ')}: opened in {figures[f'ramp_seconds_{kind}']:.1f} s, the server's database "
            + ("still busy after 60 s" if caught_up is None else f"quiet {caught_up:.1f} s later")
        )
    print(
        f"  statements a second: {statements['none_held']:.2f} with none held, {statements['streams_held']:.2f} with "
        f"the streams held, {statements['all_held']:.2f} with all held "
        f"({figures['long_polls_answered_in_idle_window']} long polls answered in that window)"
    )
    if "throughput_rps" in figures:
        rps = figures["throughput_rps"]
        print(
            f"  the API's status call under wrk: {rps['none_held_before']:,.0f} req/s none held, "
            f"{rps['all_held']:,.0f} all held, {rps['none_held_after']:,.0f} none held again"
        )
    print(
        f"  answers by status: {figures['statuses']}; connection failures: {figures['connection_failures']}; "
        f"phones refused: {figures['refusals'] or 'never'}; API failures: {figures['api_failures'] or 'none'}; "
        f"tracebacks in the server's output: {figures['tracebacks']}"
        + (f" ({figures['server_log']})" if figures["tracebacks"] else "")
    )


def raise_open_files_limit(phones):
    """Room for a socket a phone here and two in nginx (its processes inherit the limit): the hard limit raised
    where this process may (root), else the soft limit up to the hard one."""
    wanted = 3 * phones + 1000
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(wanted, hard), max(wanted, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard < phones + 1000:
            raise SystemExit(
                f"{phones:,} phones need {phones + 1000:,} open files; the hard limit is {hard:,}"
            ) from None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=50.0, help="call requests a second")
    parser.add_argument("--streaming", type=float, default=0.5, help="the share of the phones on the event stream")
    parser.add_argument("--window", type=int, default=10, help="seconds of each idle window and wrk run")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its target")
    args = parser.parse_args()
    raise_open_files_limit(args.phones)
    figures = run_bench(args)
    if args.json:
        print(json.dumps(figures))
    else:
        report(figures)
    missed = [label for label, _value, target, passed in verdicts(figures) if target != "printed" and not passed]
    if args.strict and missed:
        sys.exit(f"missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
