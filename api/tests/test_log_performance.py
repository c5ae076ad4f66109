"""The request log's pages with 100,000 entries: each in at most 10 SQL statements and quick, searches on indexes.

Runs on PostgreSQL (the CI's second run); on SQLite the 100,000 rows alone take most of a minute to write."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiRequestLog, CallRequest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="100,000 rows: on PostgreSQL (DATABASE_URL) only"),
]

ROWS = 100_000
MAX_STATEMENTS = 10
REASONS = [
    ("", 200),
    ("rate limited", 429),
    ("host mismatch", 403),
    ("target number is not registered to callbacknow", 404),
]


@pytest.fixture
def busy_log(token, target):
    """100,000 entries of the token over 30 days, a few with call requests, from 256 addresses."""
    now = timezone.now()
    call_requests = CallRequest.objects.bulk_create(
        [
            CallRequest(
                requester_number=f"+8210{n:08d}",
                requester_country="KR",
                target=target,
                developer=token.owner,
                token=token,
                state=CallRequest.State.ANSWERED,
                expires_at=now,
            )
            for n in range(200)
        ]
    )
    entries = []
    for n in range(ROWS):
        reason, status = REASONS[n % 7 % 4]
        entries.append(
            ApiRequestLog(
                request_id=f"req_{n:024x}",
                token=token,
                call_request=call_requests[n // 500] if n % 500 == 0 else None,
                action="callback",
                transport="GET",
                result="success" if status == 200 else "failed",
                reason=reason,
                status=status,
                client_ip=f"203.0.113.{n % 256}",
                numbers=f"010{n % 10_000:08d} 01011111111",
                duration_ms=n % 40,
                received={"method": "GET", "path": f"/{token.masked}/callback/…", "query": "", "headers": {}},
                answer='{"result":"success"}',
                created_at=now - timedelta(seconds=n * 26),  # 100,000 × 26 s: 30 days
            )
        )
    ApiRequestLog.objects.bulk_create(entries, batch_size=10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ApiRequestLog._meta.db_table}")
    return call_requests


def test_it_answers_every_log_page_in_at_most_10_statements_and_streams_the_export(owner_client, token, busy_log):
    entry = ApiRequestLog.objects.filter(token=token, call_request=busy_log[7]).get()
    log = f"/tokens/{token.pk}/log/"
    today = timezone.localdate().isoformat()
    pages = {
        "the log": (log, {}),
        "its last page": (log, {"page": ROWS // 50}),
        "a request ID": (log, {"q": "req_" + f"{4321:024x}"}),
        "a call request ID": (log, {"q": busy_log[3].public_id}),
        "a number": (log, {"q": "010-0000-1234"}),
        "a reason": (log, {"reason": "host mismatch", "page": 3}),
        "a status": (log, {"status": "429"}),
        "a client address": (log, {"q": "203.0.113.77"}),
        "a day and a result": (log, {"date_from": today, "date_to": today, "result": "failed"}),
        "a call": (f"{log}{entry.pk}/", {}),
        "the usage": ("/usage/", {}),
    }
    counts, slow = {}, {}
    for name, (path, query) in pages.items():
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(path, query)
        assert response.status_code == 200, name
        counts[name] = len(queries)
        took = time.monotonic() - started
        print(f"{name}: {len(queries)} statements, {took * 1000:.0f} ms")
        if took > 2:
            slow[name] = round(took, 2)

    assert max(counts.values()) <= MAX_STATEMENTS, counts
    assert not slow, slow
    found = owner_client.get(log, {"q": busy_log[3].public_id}).context["page"].object_list
    assert [e.call_request_id for e in found] == [busy_log[3].pk]

    # The export of many of them: streamed a chunk at a time.
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(f"/tokens/{token.pk}/log/export.csv", {"reason": "rate limited"})
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)

    expected = ApiRequestLog.objects.filter(token=token, reason="rate limited").count()
    assert lines == expected + 1
    assert len(queries) <= MAX_STATEMENTS + expected // 2000  # the session, the token, then a chunk at a time
