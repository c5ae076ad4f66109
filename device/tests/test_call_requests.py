"""GET /device/v1/call-requests: the subscriber's open requests, delivered by fetching them, and the long poll."""

import threading
import time
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from api.models import CallRequest
from lib.phones import normalise

pytestmark = pytest.mark.django_db


def listed(response):
    assert response.status_code == 200, response.content
    return [(shown["id"], shown["state"]) for shown in response.json()["call_requests"]]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_it_lists_only_the_subscriber_s_open_requests_newest_first(phone, send, target, other_subscriber):
    older = send(target, requester=normalise("01010041004", "kr"))
    answered = send(target, requester=normalise("01010041005", "kr"))
    answered.answer()
    expired = send(target, requester=normalise("01010041006", "kr"))
    CallRequest.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    send(other_subscriber)
    newer = send(target, requester=normalise("01010041007", "kr"))
    newer.mark_seen()

    response = phone.get("/device/v1/call-requests")

    assert listed(response) == [(newer.public_id, "seen"), (older.public_id, "delivered")]
    assert response["Cache-Control"] == "no-store"
    assert response.json()["call_requests"][1]["requester"]["national_number"] == "01010041004"


def test_it_marks_the_pending_requests_delivered_by_fetching_them(phone, send, target):
    call_request = send(target)

    shown = phone.get("/device/v1/call-requests").json()["call_requests"][0]

    assert shown["state"] == "delivered"
    assert [step["state"] for step in shown["history"]] == ["pending", "delivered"]
    call_request.refresh_from_db()
    assert call_request.state == "delivered"
    assert listed(phone.get("/device/v1/call-requests")) == [(call_request.public_id, "delivered")]


def test_it_lists_nothing_without_requests(phone):
    assert phone.get("/device/v1/call-requests").json()["call_requests"] == []


@pytest.mark.parametrize("wait", ["", "-1", "31", "100", "1.5", "abc", " 5", "5 ", "+5", "٣"])
def test_it_refuses_a_malformed_wait(phone, send, target, wait):
    call_request = send(target)

    response = phone.get("/device/v1/call-requests", {"wait": wait})

    assert (response.status_code, response.json()) == (
        400,
        {"reason": "wait must be a whole number of seconds from 0 to 30"},
    )
    call_request.refresh_from_db()
    assert call_request.state == "pending"  # refused before anything is delivered


@pytest.mark.parametrize("wait", ["0", "00", "30"])
def test_it_takes_a_wait_from_0_to_30(phone, send, target, wait):
    send(target)  # pending: even a 30-second wait answers at once

    response, elapsed = timed(lambda: phone.get("/device/v1/call-requests", {"wait": wait}))

    assert response.status_code == 200 and elapsed < 1


def test_it_keeps_the_cursor_while_nothing_changes(phone, send, target):
    send(target)
    first = phone.get("/device/v1/call-requests").json()["cursor"]

    assert phone.get("/device/v1/call-requests").json()["cursor"] == first
    send(target, requester=normalise("01010041005", "kr"))
    assert phone.get("/device/v1/call-requests").json()["cursor"] != first


def test_it_answers_a_stale_cursor_at_once(phone, send, target):
    call_request = send(target)
    cursor = phone.get("/device/v1/call-requests").json()["cursor"]
    call_request.mark_seen()

    response, elapsed = timed(lambda: phone.get("/device/v1/call-requests", {"wait": "5", "cursor": cursor}))

    assert listed(response) == [(call_request.public_id, "seen")]
    assert elapsed < 1
    assert response.json()["cursor"] != cursor


def test_it_answers_when_a_listed_request_expires_during_the_wait(phone, send, target):
    call_request = send(target)
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() + timedelta(seconds=1))
    cursor = phone.get("/device/v1/call-requests").json()["cursor"]

    response, elapsed = timed(lambda: phone.get("/device/v1/call-requests", {"wait": "10", "cursor": cursor}))

    assert listed(response) == []
    assert 0.5 < elapsed < 2


# ---- the long poll through real servers ---------------------------------------------------------


def poll(base_url, plaintext, **params):
    return requests.get(
        base_url + "/device/v1/call-requests",
        params=params,
        headers={"Authorization": f"Bearer {plaintext}"},
        timeout=40,
    )


@pytest.mark.django_db(transaction=True)
def test_it_answers_a_waiting_poll_within_a_second_of_a_request_sent_through_another_server(
    live_server, second_server, target, issued_key, issued
):
    plaintext, token = issued_key[1], issued[1]
    cursor = poll(live_server.url, plaintext).json()["cursor"]
    answered = {}

    def wait_for_a_request():
        answered["response"] = poll(live_server.url, plaintext, wait=20, cursor=cursor)
        answered["at"] = time.monotonic()

    waiting = threading.Thread(target=wait_for_a_request)
    waiting.start()
    time.sleep(1.5)
    assert waiting.is_alive(), "the poll answered before anything changed"
    if connection.vendor == "postgresql":  # the waiting worker holds no transaction open
        with connection.cursor() as cursor_:
            cursor_.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%%'"
            )
            assert cursor_.fetchone()[0] == 0

    sent_at = time.monotonic()
    sent = requests.get(f"{second_server.url}/{token}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
    waiting.join(timeout=25)

    assert sent.json()["result"] == "success", sent.text
    delay = answered["at"] - sent_at
    print(f"\nlong poll answered {delay:.3f} s after the request was sent through another server process")
    assert delay < 1
    shown = answered["response"].json()["call_requests"]
    assert [(item["id"], item["state"]) for item in shown] == [(sent.headers["X-Call-Request-Id"], "delivered")]
    assert answered["response"].json()["cursor"] != cursor


@pytest.mark.django_db(transaction=True)
def test_it_answers_after_about_the_wait_when_nothing_changes(live_server, target, issued_key):
    plaintext = issued_key[1]
    cursor = poll(live_server.url, plaintext).json()["cursor"]

    response, elapsed = timed(lambda: poll(live_server.url, plaintext, wait=2, cursor=cursor))

    print(f"\nlong poll with wait=2 and no change answered after {elapsed:.3f} s")
    assert 2 <= elapsed < 2.6
    assert response.json() == {"call_requests": [], "cursor": cursor}


@pytest.mark.django_db(transaction=True)
def test_it_waits_from_the_state_at_the_start_without_a_cursor(live_server, target, issued_key, issued):
    plaintext, token = issued_key[1], issued[1]
    callback = f"{live_server.url}/{token}/callback/01010041004/kr/01011111111/kr/hello"
    threading.Timer(0.8, lambda: requests.get(callback, timeout=10)).start()

    response, elapsed = timed(lambda: poll(live_server.url, plaintext, wait=10))

    assert 0.8 <= elapsed < 1.8
    assert [item["state"] for item in response.json()["call_requests"]] == ["delivered"]


def test_it_refuses_a_long_poll_that_waited_in_a_queue_past_its_phone_s_patience(phone_server, issued_key):
    from device.edge import QUEUE_PATIENCE_SECONDS

    headers = {"Authorization": f"Bearer {issued_key[1]}"}
    stale = {**headers, "X-Request-Start": f"t={time.time() - QUEUE_PATIENCE_SECONDS - 5:.3f}"}

    refused = requests.get(f"{phone_server.url}/device/v1/call-requests?wait=5", headers=stale, timeout=10)

    assert (refused.status_code, refused.json(), refused.headers["Retry-After"]) == (
        503,
        {"reason": "service unavailable"},
        "5",
    )


def test_it_shortens_a_long_poll_s_wait_by_its_time_in_a_queue(phone_server, issued_key):
    headers = {"Authorization": f"Bearer {issued_key[1]}"}
    queued = {**headers, "X-Request-Start": f"t={time.time() - 10:.3f}"}  # nginx received it 10 s ago

    answered, took = timed(
        lambda: requests.get(f"{phone_server.url}/device/v1/call-requests?wait=12", headers=queued, timeout=20)
    )

    assert answered.status_code == 200
    assert 1 <= took < 5  # about 12 s after the phone sent it, not 12 s from now
