"""The API's hot path (issue 14): at most 4 SQL statements for each call the benchmark measures, on SQLite and
PostgreSQL alike, once the caller's token and target are remembered (api.callers; a process whose copies have
expired reads each once more)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import callers
from api.models import ApiRequestLog, CallRequest, SeenRequest, Subscriber
from tests.helpers import REQUESTER, SEED_SUCCESS, now_millis, seed_body

pytestmark = pytest.mark.django_db
REFERER = {"Referer": "http://example.com/"}
CALLBACK = "/{value}/callback/01010041004/kr/01011111111/kr/hi"
NEOCALLBACK = "/{value}/neocallback/01010041004/kr/airpagephone/hi"


def statements(client, method, path, body=None):
    """(the answer, the SQL statements it ran but the bounds of its transaction: here a savepoint inside the test's
    own transaction, BEGIN and COMMIT on a server)."""
    with CaptureQueriesContext(connection) as queries:
        if method == "POST":
            response = client.post(path, body, content_type="application/json", headers=REFERER)
        else:
            response = client.get(path, headers=REFERER)
    sql = [query["sql"] for query in queries.captured_queries]
    bounds = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
    return response, [text for text in sql if not text.startswith(bounds)]


@pytest.fixture(autouse=True)
def remembered_long_enough(settings):
    """A slow machine must not let the token's copy expire between the warm-up and the call counted."""
    settings.API_TOKEN_CACHE_SECONDS = 60


@pytest.fixture
def warm(client, value, target):
    """The caller's token read once already by both transports, as it is on a busy server; the open request
    exists too."""
    assert client.get(CALLBACK.format(value=value), headers=REFERER).status_code == 200
    assert client.get(NEOCALLBACK.format(value=value), headers=REFERER).status_code == 200
    body = seed_body(value, foot=now_millis() - 1)
    assert (
        client.post("/callback/callback_api.php", body, content_type="application/json", headers=REFERER).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path, answer",
    [
        (CALLBACK, SEED_SUCCESS),
        (NEOCALLBACK + "?callback=cb", None),
    ],
    ids=["GET callback", "JSONP neocallback"],
)
def test_it_refreshes_the_open_request_in_2_statements(client, value, warm, path, answer):
    response, sql = statements(client, "GET", path.format(value=value))

    assert response.status_code == 200
    if answer is not None:
        assert json.loads(response.content) == answer
    # The upsert and the request log's entry: one statement on PostgreSQL (the entry in a CTE), two in a
    # transaction on SQLite.
    assert len(sql) <= (1 if connection.vendor == "postgresql" else 2), sql
    assert CallRequest.objects.count() == 1
    assert CallRequest.objects.get().message == "hi"


def test_it_creates_a_request_in_as_few(client, value, warm):
    response, sql = statements(client, "GET", f"/{value}/callback/01010041005/kr/01011111111/kr/new")

    assert json.loads(response.content) == SEED_SUCCESS
    assert len(sql) <= 2, sql
    created = CallRequest.objects.get(requester_number="+821010041005")
    assert (created.state, created.message, response["X-Call-Request-Id"]) == ("pending", "new", created.public_id)


def test_it_answers_an_encrypted_post_in_3_statements(client, value, warm):
    response, sql = statements(client, "POST", "/callback/callback_api.php", seed_body(value, foot=now_millis() + 1))

    assert json.loads(response.content) == SEED_SUCCESS
    assert len(sql) <= 3, sql  # the replay store, the upsert, the request log
    assert SeenRequest.objects.count() == 2


@pytest.fixture
def quiet_target(target):
    """A subscriber nobody has called (registered before the warm-up: a new subscriber drops every copy)."""
    return Subscriber.register("01022222222", "kr", "KT")


def test_it_answers_a_cancel_with_nothing_open_in_3_statements(client, value, quiet_target, warm):
    response, sql = statements(client, "GET", f"/{value}/cancel/01010041004/kr/01022222222/kr")

    assert response.status_code == 409
    assert len(sql) <= 3, sql  # the subscriber (not called yet), the cancel finding nothing, the request log


def test_it_cancels_an_open_request_in_2_statements(client, value, warm):
    response, sql = statements(client, "GET", f"/{value}/cancel/01010041004/kr/01011111111/kr")

    assert json.loads(response.content) == SEED_SUCCESS
    cancelled = CallRequest.objects.get(requester_number=REQUESTER.e164, target__number="+821011111111")
    assert (cancelled.state, response["X-Call-Request-Id"]) == ("cancelled", cancelled.public_id)
    assert [state for state, _at in cancelled.history()] == ["pending", "cancelled"]
    # The cancel with its change and the request log's entry: one statement on PostgreSQL; three on SQLite.
    assert len(sql) <= (1 if connection.vendor == "postgresql" else 3), sql


def test_it_answers_a_status_with_its_history_and_delivery_in_3_statements(client, value, warm):
    call_request = CallRequest.objects.get()
    call_request.mark_delivered()
    call_request.mark_seen()

    response, sql = statements(client, "GET", f"/{value}/status/{call_request.public_id}")

    answer = json.loads(response.content)
    assert answer["state"] == "seen"
    assert [change["state"] for change in answer["history"]] == ["pending", "delivered", "seen"]
    assert len(sql) <= 3, sql  # the call request with its changes, its delivery trace, the request log


def test_it_reads_an_expired_token_and_target_once_more(client, value, warm):
    callers.forget()  # as every API_TOKEN_CACHE_SECONDS in each process

    response, sql = statements(client, "GET", CALLBACK.format(value=value))

    assert response.status_code == 200
    assert len(sql) <= 4, sql
    assert ApiRequestLog.objects.count() == 4


def test_it_expires_an_open_request_past_its_expiry_and_creates_another(client, value, warm, settings):
    stale = CallRequest.objects.get()
    CallRequest.objects.filter(pk=stale.pk).update(expires_at=stale.created_at)

    response = client.get(CALLBACK.format(value=value), headers=REFERER)

    assert response.status_code == 200
    stale.refresh_from_db()
    fresh = CallRequest.objects.exclude(pk=stale.pk).get(requester_number=REQUESTER.e164)
    assert (stale.state, fresh.state, response["X-Call-Request-Id"]) == ("expired", "pending", fresh.public_id)
    assert [state for state, _at in stale.history()] == ["pending", "expired"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commits: the PostgreSQL pass runs it")
def test_its_replay_store_alone_does_not_wait_for_the_disk_and_the_call_s_other_commits_still_do(transactional_db):
    """The fingerprint's commit skips the wait for the write-ahead log's flush (a quarter of the POST's
    throughput); the setting is this one statement's, so the call request's and the log's commits still wait."""
    from datetime import timedelta

    from django.utils import timezone

    until = timezone.now() + timedelta(minutes=5)
    with connection.cursor() as cursor:

        def unflushed_after(write):
            write()
            cursor.execute("SELECT pg_current_wal_flush_lsn() < pg_current_wal_insert_lsn()")
            return cursor.fetchone()[0]

        # The WAL writer flushes on its own every 200 ms: one of three must catch the row not yet on disk.
        assert any(
            unflushed_after(lambda n=n: SeenRequest.objects.remember(f"fingerprint-{n}", until)) for n in range(3)
        )
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
        assert not any(
            unflushed_after(lambda n=n: ApiRequestLog.objects.create(result="success", status=200, duration_ms=n))
            for n in range(3)
        )
    assert SeenRequest.objects.remember("fingerprint-0", until) is False  # still a replay, seen at once
