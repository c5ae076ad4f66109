"""GET /device/v1/events: the phone's call requests as Server-Sent Events, on a threaded server (the live server, as
`make run` serves it) and on a phone server of the production layout (uvicorn on portal.asgi)."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from api.models import CallRequest, Subscriber
from bench.load import Server, server_env
from device.models import DeviceKey
from device.tests.events import ENDED
from lib.phones import normalise
from tests.helpers import url_of_test_database

pytestmark = pytest.mark.django_db(transaction=True)


def states(events):
    return [(event["data"]["id"], event["data"]["state"]) for event in events]


def test_it_sends_the_open_requests_then_each_change_as_it_happens(live_server, stream, send, target, issued_key):
    waiting = send(target)
    phone = stream(live_server.url, issued_key[1])

    assert phone.response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert phone.response.headers["Cache-Control"] == "no-store"
    first = phone.next()
    assert states([first]) == [(waiting.public_id, "delivered")]  # the stream delivered it
    assert first["event"] == "call_request" and first["id"].isdigit()
    assert first["data"]["call_request"]["message"] == "please call"
    waiting.refresh_from_db()
    assert waiting.state == "delivered"

    started = time.monotonic()
    waiting.answer()
    answered = phone.next(timeout=2)
    assert states([answered]) == [(waiting.public_id, "answered")]
    assert answered["read_at"] - started < 1
    assert int(answered["id"]) > int(first["id"])


def test_it_resumes_from_last_event_id_and_loses_nothing_sent_meanwhile(live_server, stream, send, target, issued_key):
    first = send(target)
    phone = stream(live_server.url, issued_key[1])
    last_id = phone.next()["id"]
    phone.close()

    second = send(target, requester=normalise("01010041005", "kr"))
    third = send(target, requester=normalise("01010041006", "kr"))
    first.refresh_from_db()
    first.decline()

    again = stream(live_server.url, issued_key[1], headers={"Last-Event-ID": last_id})
    seen = dict(states(again.events(3)))
    assert seen == {first.public_id: "declined", second.public_id: "delivered", third.public_id: "delivered"}


def test_it_resumes_from_a_query_parameter_too(live_server, stream, send, target, issued_key):
    phone = stream(live_server.url, issued_key[1])
    assert phone.next(comments=True) == {"comment": "connected"}
    phone.close()
    cursor = str(int(time.time() * 1_000_000))
    sent = send(target)

    again = stream(live_server.url, issued_key[1], params={"last_event_id": cursor})
    assert states([again.next()]) == [(sent.public_id, "delivered")]


def revoked_while_streaming(base_url, stream, issued_key):
    """Revokes the key while its phone streams from base_url; asserts the stream ended within a second."""
    key, plaintext = issued_key
    phone = stream(base_url, plaintext)
    assert phone.next(comments=True) == {"comment": "connected"}

    started = time.monotonic()
    key.revoke()

    assert phone.next(timeout=3) is ENDED
    assert time.monotonic() - started < 1


def test_it_ends_the_stream_within_a_second_of_the_key_s_revocation(live_server, stream, target, issued_key):
    revoked_while_streaming(live_server.url, stream, issued_key)

    refused = stream(live_server.url, issued_key[1])
    assert (refused.response.status_code, refused.response.json()) == (401, {"reason": "revoked device key"})


def test_it_ends_the_stream_when_the_subscriber_is_deactivated(live_server, stream, target, issued_key):
    phone = stream(live_server.url, issued_key[1])
    assert phone.next(comments=True) == {"comment": "connected"}

    Subscriber.objects.filter(pk=target.pk).deactivate()

    assert phone.next(timeout=2) is ENDED
    refused = stream(live_server.url, issued_key[1])
    assert (refused.response.status_code, refused.response.json()) == (401, {"reason": "subscriber deactivated"})


def test_it_opens_with_a_ticket_for_a_browser_s_event_source(live_server, stream, send, target, issued_key):
    answer = requests.post(
        live_server.url + "/device/v1/events/tickets", headers={"Authorization": f"Bearer {issued_key[1]}"}, timeout=5
    )
    assert answer.status_code == 201
    assert answer.json()["expires_in"] == 60
    sent = send(target)

    phone = stream(live_server.url, params={"ticket": answer.json()["ticket"]})

    assert states([phone.next()]) == [(sent.public_id, "delivered")]


@pytest.mark.parametrize("ticket", ["", "1:1xaefh:forged", "cbnd_" + "x" * 32])
def test_it_refuses_a_ticket_it_did_not_give(live_server, stream, target, issued_key, ticket):
    refused = stream(live_server.url, params={"ticket": ticket})

    assert refused.response.status_code == 401
    assert refused.response.json() == {"reason": "unknown or expired event stream ticket"}


def test_it_refuses_a_ticket_older_than_a_minute(live_server, stream, target, issued_key, monkeypatch):
    ticket = issued_key[0].event_ticket()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)  # the signature's clock, in this process

    assert DeviceKey.objects.from_ticket(ticket) is None
    monkeypatch.setattr(time, "time", real_time)
    assert DeviceKey.objects.from_ticket(ticket) == issued_key[0]


def test_it_sends_a_heartbeat_while_nothing_changes(live_server, stream, target, issued_key, settings):
    settings.DEVICE_HEARTBEAT_SECONDS = 1
    phone = stream(live_server.url, issued_key[1])
    assert phone.next(comments=True) == {"comment": "connected"}

    assert phone.next(timeout=3, comments=True) == {"comment": "heartbeat"}


def test_it_sends_the_expiry_of_an_open_request_when_it_comes(live_server, stream, send, target, issued_key):
    sent = send(target)
    CallRequest.objects.filter(pk=sent.pk).update(expires_at=timezone.now() + timedelta(seconds=2))
    phone = stream(live_server.url, issued_key[1])
    assert states([phone.next()]) == [(sent.public_id, "delivered")]

    assert states([phone.next(timeout=4)]) == [(sent.public_id, "expired")]


# ---- a phone server of the production layout --------------------------------------------------------


def test_it_reaches_a_phone_held_by_another_process_within_a_second(
    live_server, phone_server, stream, target, issued_key, issued
):
    phone = stream(phone_server.url, issued_key[1])
    assert phone.next(comments=True) == {"comment": "connected"}

    sent = requests.get(f"{live_server.url}/{issued[1]}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
    answered_at = time.monotonic()

    event = phone.next(timeout=3)
    if event["data"]["state"] == "pending":  # read in the instant before the stream delivered it: told next
        assert states([phone.next(timeout=3)]) == [(sent.headers["X-Call-Request-Id"], "delivered")]
    assert states([event]) in ([(sent.headers["X-Call-Request-Id"], "delivered")], [(event["data"]["id"], "pending")])
    assert event["data"]["id"] == sent.headers["X-Call-Request-Id"]
    print(f"\nrequest → phone held by another process: {event['read_at'] - answered_at:.3f} s")
    assert event["read_at"] - answered_at < 1


def test_it_refuses_a_third_stream_of_one_key_and_frees_a_closed_one_at_once(phone_server, stream, target, issued_key):
    first, second = stream(phone_server.url, issued_key[1]), stream(phone_server.url, issued_key[1])
    assert first.response.status_code == second.response.status_code == 200

    third = stream(phone_server.url, issued_key[1])
    assert third.response.status_code == 429
    assert third.response.headers["Retry-After"] == "5"
    assert third.response.json() == {"reason": "too many waits or streams for this device key"}
    waiting = requests.get(
        phone_server.url + "/device/v1/call-requests",
        params={"wait": "5"},
        headers={"Authorization": f"Bearer {issued_key[1]}"},
        timeout=10,
    )
    assert waiting.status_code == 429  # a long poll's wait counts the same

    second.close()
    time.sleep(0.5)
    assert stream(phone_server.url, issued_key[1]).response.status_code == 200


def test_it_answers_503_beyond_the_process_s_cap(phone_server_of_two, stream, target, other_subscriber, issued_key):
    other_key = DeviceKey.issue(other_subscriber, "Other phone")[1]
    held = [stream(phone_server_of_two.url, issued_key[1]), stream(phone_server_of_two.url, other_key)]
    assert [each.response.status_code for each in held] == [200, 200]

    refused = stream(phone_server_of_two.url, other_key)

    assert refused.response.status_code == 503
    assert refused.response.headers["Retry-After"] == "10"
    assert refused.response.json() == {"reason": "server busy"}
    health = requests.get(phone_server_of_two.url + "/healthz", timeout=5)
    assert health.status_code == 200  # what is not a phone's wait is not counted


def test_it_ends_a_stream_on_another_process_when_the_key_is_revoked(phone_server, stream, target, issued_key):
    revoked_while_streaming(phone_server.url, stream, issued_key)


@pytest.fixture
def own_redis(tmp_path, closed_port):
    """A Redis server of this test's own on a free port, which the test may stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(closed_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", closed_port)) == 0:
                    return process
            time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    server = {"process": start(), "start": start, "url": f"redis://127.0.0.1:{closed_port}/0"}
    yield server
    server["process"].terminate()
    server["process"].wait()


def test_it_misses_nothing_sent_while_redis_restarts(
    own_redis, transactional_db, tmp_path, stream, target, issued_key, issued
):
    env = server_env(url_of_test_database(), own_redis["url"], VAR_DIR=str(tmp_path / "var"))
    server = Server("uvicorn", env, log_path=tmp_path / "phone-server.log").wait_until_up()
    try:
        phone = stream(server.url, issued_key[1])
        assert phone.next(comments=True) == {"comment": "connected"}

        own_redis["process"].kill()
        own_redis["process"].wait()
        sent = requests.get(f"{server.url}/{issued[1]}/callback/01010041004/kr/01011111111/kr/hello", timeout=10)
        assert sent.json()["result"] == "success"  # Redis away: the request is done all the same
        own_redis["process"] = own_redis["start"]()
        restarted = time.monotonic()

        event = phone.next(timeout=10)
        assert states([event]) == [(sent.headers["X-Call-Request-Id"], "delivered")]
        print(f"\nthe request sent while Redis was down reached the phone {event['read_at'] - restarted:.3f} s after")
    finally:
        server.stop()
