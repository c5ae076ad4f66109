"""One call, one transaction (issue 22): a call's effect (its call request, its state change, its outbox events) and
its request log entry are committed together or not at all, on the real database with real commits; the entry of a
call that failed is written after the rollback, and a COMMIT whose reply was lost is answered with what happened."""

import json
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections

from api import outcome
from api.models import ApiRequestLog, CallRequest
from tests.helpers import REQUESTER, SEED_SUCCESS, failed, now_millis, seed_body
from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)

REFERER = {"Referer": "http://example.com/"}
CALLBACK = "/{value}/callback/01010041004/kr/01011111111/kr/hi"
CANCEL = "/{value}/cancel/01010041004/kr/01011111111/kr"
UNAVAILABLE = failed("service unavailable")


@pytest.fixture
def listened(token, target):
    """The token's webhook endpoint listens to every call request event: each change writes an outbox event."""
    return WebhookEndpoint.add(token, "http://127.0.0.1:9/hook", CALL_REQUEST_EVENTS)


FAIL_SUCCESS_ENTRIES = {
    # A statement timeout at the entry's insert, after the call's effect was written (PostgreSQL's error class).
    "postgresql": [
        "CREATE FUNCTION cbn_fail_success_entry() RETURNS trigger AS $$ BEGIN IF NEW.status = 200 THEN "
        "RAISE EXCEPTION 'injected: the entry''s insert failed' USING ERRCODE = '57014'; END IF; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER cbn_fail_success_entry BEFORE INSERT ON api_apirequestlog FOR EACH ROW "
        "EXECUTE FUNCTION cbn_fail_success_entry()",
    ],
    "sqlite": [
        "CREATE TRIGGER cbn_fail_success_entry BEFORE INSERT ON api_apirequestlog WHEN NEW.status = 200 "
        "BEGIN SELECT RAISE(ABORT, 'injected: the entry''s insert failed'); END",
    ],
}
UNDO = {
    "postgresql": [
        "DROP TRIGGER cbn_fail_success_entry ON api_apirequestlog",
        "DROP FUNCTION cbn_fail_success_entry()",
    ],
    "sqlite": ["DROP TRIGGER cbn_fail_success_entry"],
}


@pytest.fixture
def failing_log_insert(db):
    """The database refuses the insert of a success's request log entry, which comes after the call's effect in its
    transaction, or in its one statement (a trigger in the test database; the entry of a failure passes)."""
    vendor = connections["default"].vendor
    with connections["default"].cursor() as cursor:
        for sql in FAIL_SUCCESS_ENTRIES[vendor]:
            cursor.execute(sql)
    yield
    with connections["default"].cursor() as cursor:
        for sql in UNDO[vendor]:
            cursor.execute(sql)


def call(client, path, **headers):
    response = client.get(path, headers={**REFERER, **headers})
    return response, json.loads(response.content)


def entries():
    return list(ApiRequestLog.objects.values_list("request_id", "status", "reason", "call_request_id"))


def test_it_commits_a_success_with_its_log_entry_and_its_outbox_event(client, value, listened):
    response, answer = call(client, CALLBACK.format(value=value))

    assert answer == SEED_SUCCESS
    created = CallRequest.objects.get()
    assert entries() == [(response["X-Request-Id"], 200, "", created.pk)]
    assert list(WebhookEvent.objects.values_list("type", "subject")) == [("call_request.created", created.public_id)]


@pytest.mark.parametrize("webhooks", [True, False], ids=["in a transaction", "in one statement"])
def test_it_leaves_nothing_of_a_callback_that_failed_after_its_request_was_written(
    client, value, target, webhooks, request, failing_log_insert
):
    if webhooks:
        request.getfixturevalue("listened")

    response, answer = call(client, CALLBACK.format(value=value))

    assert (response.status_code, answer) == (503, UNAVAILABLE)
    assert not CallRequest.objects.exists()
    assert not WebhookEvent.objects.exists()
    # Only the failure's entry, written after the rollback: no entry of a success, no call request named.
    assert entries() == [(response["X-Request-Id"], 503, "service unavailable", None)]


@pytest.mark.parametrize("webhooks", [True, False], ids=["in a transaction", "in one statement"])
def test_it_leaves_an_open_request_open_when_its_cancel_failed(client, value, target, token, webhooks, request):
    if webhooks:
        request.getfixturevalue("listened")
    call_request, _created = CallRequest.request_call(REQUESTER, target, "hi", token)
    events = WebhookEvent.objects.count()
    request.getfixturevalue("failing_log_insert")

    response, answer = call(client, CANCEL.format(value=value))

    assert (response.status_code, answer) == (503, UNAVAILABLE)
    call_request.refresh_from_db()
    assert call_request.state == "pending"
    assert not call_request.changes.exists()
    assert WebhookEvent.objects.count() == events
    assert entries() == [(response["X-Request-Id"], 503, "service unavailable", None)]


def test_it_cancels_an_open_request_with_its_change_its_event_and_its_entry_at_once(
    client, value, target, token, listened
):
    call_request, _created = CallRequest.request_call(REQUESTER, target, "hi", token)

    response, answer = call(client, CANCEL.format(value=value))

    assert answer == SEED_SUCCESS
    call_request.refresh_from_db()
    assert [state for state, _at in call_request.history()] == ["pending", "cancelled"]
    assert WebhookEvent.objects.filter(type="call_request.cancelled", subject=call_request.public_id).count() == 1
    assert entries() == [(response["X-Request-Id"], 200, "", call_request.pk)]


def test_it_logs_a_refusal_after_its_rollback(client, value, target):
    response, answer = call(client, CANCEL.format(value=value))

    assert (response.status_code, answer) == (409, failed("nothing pending to cancel"))
    assert entries() == [(response["X-Request-Id"], 409, "nothing pending to cancel", None)]


def test_it_rolls_back_a_call_whose_deadline_passed_before_its_commit(client, value, target, settings):
    settings.REQUEST_DEADLINE_SECONDS = 1  # received 2 s ago: late, though not too late to be started (5 s)
    received = f"t={time.time() - 2:.3f}"

    response, answer = call(client, CALLBACK.format(value=value), **{"X-Request-Start": received})

    assert (response.status_code, answer) == (503, UNAVAILABLE)
    assert not CallRequest.objects.exists()
    assert entries() == [(response["X-Request-Id"], 503, "service unavailable", None)]


def test_it_does_not_start_a_call_that_waited_too_long_in_a_queue(client, value, target, settings):
    settings.REQUEST_QUEUE_TIMEOUT_SECONDS = 5
    received = f"t={time.time() - 6:.3f}"

    response, answer = call(client, CALLBACK.format(value=value), **{"X-Request-Start": received})

    assert (response.status_code, answer, response["Retry-After"]) == (503, UNAVAILABLE, "5")
    assert not CallRequest.objects.exists()
    assert not ApiRequestLog.objects.exists()  # refused before any work


def test_it_starts_a_call_whose_wait_was_within_its_callers_patience(client, value, target):
    response, answer = call(client, CALLBACK.format(value=value), **{"X-Request-Start": f"t={time.time() - 1:.3f}"})

    assert answer == SEED_SUCCESS
    assert CallRequest.objects.count() == 1


@contextmanager
def reply_lost(monkeypatch, committed):
    """The reply of the call's commit is lost: the connection drops after the commit was done (committed) or before.
    On PostgreSQL a call whose token's webhooks listen to nothing commits with its one statement (autocommit)."""
    if connections["default"].vendor == "postgresql":

        def drop(execute, sql, params, many, context):
            if "logged AS" not in sql:  # not the call's one statement
                return execute(sql, params, many, context)
            if committed:
                execute(sql, params, many, context)
            context["connection"].connection.close()
            raise OperationalError("injected: server closed the connection unexpectedly")

        with connections["default"].execute_wrapper(drop):
            yield
    else:
        lose_the_commits_reply(monkeypatch, committed)
        yield


def lose_the_commits_reply(monkeypatch, committed):
    """The next COMMIT's reply is lost: the connection drops after the commit was done (committed) or before."""
    wrapper = connections["default"]
    original = type(wrapper)._commit

    def commit(self):
        if committed:
            original(self)
        else:
            self.connection.rollback()
        monkeypatch.setattr(type(wrapper), "_commit", original)
        raise OperationalError("injected: server closed the connection unexpectedly")

    monkeypatch.setattr(type(wrapper), "_commit", commit)


def test_it_answers_success_when_a_lost_commit_was_done(client, value, target, monkeypatch):
    with reply_lost(monkeypatch, committed=True):
        response, answer = call(client, CALLBACK.format(value=value))

    assert (response.status_code, answer) == (200, SEED_SUCCESS)
    created = CallRequest.objects.get()
    assert response["X-Call-Request-Id"] == created.public_id
    assert entries() == [(response["X-Request-Id"], 200, "", created.pk)]


def test_it_wakes_the_subscriber_s_phones_when_a_lost_commit_was_done(client, value, target, monkeypatch):
    from api import changes

    heard = []
    monkeypatch.setattr(changes, "_local_listeners", [lambda topic, origin: heard.append(topic)])
    with reply_lost(monkeypatch, committed=True):
        response, _ = call(client, CALLBACK.format(value=value))

    assert response.status_code == 200
    assert f"s:{target.pk}" in heard  # its after-commit hooks went with the connection: run once it was found


def test_it_answers_service_unavailable_when_a_lost_commit_was_not_done(client, value, target, monkeypatch):
    with reply_lost(monkeypatch, committed=False):
        response, answer = call(client, CALLBACK.format(value=value))

    assert (response.status_code, answer) == (503, UNAVAILABLE)
    assert not CallRequest.objects.exists()
    assert entries() == [(response["X-Request-Id"], 503, "service unavailable", None)]


def test_it_answers_outcome_unknown_when_the_database_cannot_tell_by_the_deadline(
    client, value, target, monkeypatch, settings
):
    settings.REQUEST_DEADLINE_SECONDS, settings.DB_STATEMENT_TIMEOUT_SECONDS = 1, 0.5

    def unreachable(pid):  # the database does not answer again before the deadline
        raise OperationalError("injected: connection refused")

    monkeypatch.setattr(outcome, "_lookup_sql", unreachable)
    started = time.monotonic()

    with reply_lost(monkeypatch, committed=True):
        response, answer = call(client, CALLBACK.format(value=value))

    assert (response.status_code, answer) == (504, failed("outcome unknown"))
    assert time.monotonic() - started < 1.5 + outcome.RETRY_SECONDS * 2  # within the deadline plus one statement
    # It was committed with its own entry (the answer could not know it); no second entry says otherwise. In a
    # transaction the answer names the call request, whose status tells the caller what happened; a lost reply
    # of the one statement (PostgreSQL) never told which request it was: the request log tells.
    created = CallRequest.objects.get()
    if connections["default"].vendor == "postgresql":
        assert "X-Call-Request-Id" not in response
    else:
        assert response["X-Call-Request-Id"] == created.public_id
    assert [(status, reason) for _id, status, reason, _cr in entries()] == [(200, "")]


def test_it_answers_an_encrypted_post_in_one_transaction_and_keeps_its_foot_used_after_a_failure(
    client, value, target, failing_log_insert
):
    body = seed_body(value, foot=now_millis())

    first = client.post("/callback/callback_api.php", body, content_type="application/json", headers=REFERER)
    again = client.post("/callback/callback_api.php", body, content_type="application/json", headers=REFERER)

    assert (first.status_code, json.loads(first.content)) == (503, UNAVAILABLE)
    assert json.loads(again.content) == failed("replayed request")  # the replay store's row outlived the rollback
    assert not CallRequest.objects.exists()


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's lock_timeout: the PostgreSQL pass"
)
def test_it_answers_service_unavailable_within_the_lock_timeout_and_leaves_nothing(client, value, target):
    import psycopg

    from tests.helpers import url_of_test_database

    with psycopg.connect(url_of_test_database()) as holder:
        holder.execute("LOCK TABLE api_callrequest IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response, answer = call(client, CALLBACK.format(value=value))
        took = time.monotonic() - started
        holder.rollback()

    assert (response.status_code, answer) == (503, UNAVAILABLE)
    assert 2.5 < took < 4.5  # DB_LOCK_TIMEOUT_SECONDS (3 s)
    assert not CallRequest.objects.exists()
    assert entries() == [(response["X-Request-Id"], 503, "service unavailable", None)]
