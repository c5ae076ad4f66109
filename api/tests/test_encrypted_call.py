"""POST /callback/callback_api.php: the seed's encrypted JSON body, every action and every failure it can meet."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from accounts.models import ApiToken
from api.models import ApiRequestLog, CallRequest, SeenRequest
from lib.aes import ZERO_IV, aes_key, encrypt_field
from tests.helpers import SEED_NOT_REGISTERED, SEED_SUCCESS, TARGET_ID, failed, now_millis, seed_body

pytestmark = pytest.mark.django_db
URL = "/callback/callback_api.php"


def post(client, body, referer="http://example.com/", **extra):
    headers = {"Referer": referer} if referer else {}
    response = client.post(URL, body, content_type="application/json", headers=headers, **extra)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response, json.loads(response.content)


def test_it_answers_the_seeds_success_to_the_seeds_callback(client, value, token, target, pending):
    response, body = post(client, seed_body(value, msg="조금 까다롭던 그 고객"))

    assert (response.status_code, body) == (200, SEED_SUCCESS)
    request = pending.get()
    assert (request.requester_number, request.message, request.token) == (
        "+821010041004",
        "조금 까다롭던 그 고객",
        token,
    )


def test_it_reads_the_body_as_php_json_encode_writes_it(client, value, target):
    body = seed_body(value).replace("/", "\\/")

    assert post(client, body)[1] == SEED_SUCCESS


def test_it_takes_the_target_id_for_neocallback(client, value, target, pending):
    _response, body = post(client, seed_body(value, action="neocallback", phonenumber=TARGET_ID, iso="", msg="hi"))

    assert body == SEED_SUCCESS
    assert pending.get().message == "hi"


def test_it_cancels_as_the_seeds_client_does(client, value, target, pending):
    post(client, seed_body(value, msg="hi"))

    response, body = post(client, seed_body(value, action="cancel", msg=""))

    assert (response.status_code, body) == (200, SEED_SUCCESS)
    assert not pending.exists()


@pytest.mark.parametrize("action", ["cancel", "neocancel"])
def test_it_cancels_by_target_id(client, value, target, pending, action):
    post(client, seed_body(value, msg="hi"))

    _response, body = post(client, seed_body(value, action=action, phonenumber=TARGET_ID, iso="", msg=""))

    assert body == SEED_SUCCESS
    assert not pending.exists()


def test_it_answers_the_seeds_failure_for_an_unregistered_number(client, value, target):
    response, body = post(client, seed_body(value, phonenumber="01099999999"))

    assert (response.status_code, body) == (404, SEED_NOT_REGISTERED)


def test_it_refuses_to_cancel_what_is_not_pending(client, value, target):
    assert post(client, seed_body(value, action="cancel"))[1] == failed("nothing pending to cancel")


@pytest.mark.parametrize(
    "fields, status, reason",
    [
        ({"action": "dial"}, 404, "unknown action"),
        ({"action": ""}, 404, "unknown action"),
        ({"myphonenumber": ""}, 400, "missing parameter"),
        ({"phonenumber": ""}, 400, "missing parameter"),
        ({"iso": ""}, 400, "missing parameter"),
        ({"myiso": "xx"}, 400, "bad country code"),
        ({"phonenumber": "0101111"}, 400, "invalid number"),
        ({"msg": "y" * 201}, 400, "message too long"),
        ({"msg": "bell\x07"}, 400, "invalid message"),
        (
            {"action": "neocallback", "phonenumber": "nobody", "iso": ""},
            404,
            "target id is not registered to callbacknow",
        ),
        ({"foot": "yesterday"}, 400, "invalid foot"),
        ({"foot": "-5"}, 400, "invalid foot"),
        ({"foot": ""}, 400, "missing parameter"),
    ],
)
def test_it_refuses_a_bad_call_with_a_stable_reason(client, value, target, fields, status, reason):
    response, body = post(client, seed_body(value, **fields))

    assert (response.status_code, body) == (status, failed(reason))
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("skew_seconds", [-301, 301, -(10**6)])
def test_it_refuses_a_foot_outside_the_window(client, value, target, skew_seconds):
    response, body = post(client, seed_body(value, foot=now_millis() + skew_seconds * 1000))

    assert (response.status_code, body) == (400, failed("stale foot"))
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("skew_seconds", [-295, 295])
def test_it_accepts_a_clock_skew_within_the_window(client, value, target, skew_seconds):
    assert post(client, seed_body(value, foot=now_millis() + skew_seconds * 1000))[1] == SEED_SUCCESS


def test_it_follows_the_window_setting(client, value, target, settings):
    settings.API_FOOT_WINDOW_SECONDS = 10

    assert post(client, seed_body(value, foot=now_millis() - 20_000))[1] == failed("stale foot")


def test_it_refuses_a_replay_even_with_another_message(client, value, target, pending):
    foot = now_millis()
    first = seed_body(value, msg="one", foot=foot)
    assert post(client, first)[1] == SEED_SUCCESS
    post(client, seed_body(value, action="cancel", foot=foot + 1))

    assert post(client, first)[1] == failed("replayed request")
    response, body = post(client, seed_body(value, msg="two", foot=foot))

    assert (response.status_code, body) == (409, failed("replayed request"))
    assert not pending.exists()
    assert SeenRequest.objects.count() == 2


def test_it_refuses_a_replay_of_a_failed_cancel(client, value, target, pending):
    """Otherwise an eavesdropper could cancel a request made after the one they captured."""
    foot = now_millis()
    cancel = seed_body(value, action="cancel", foot=foot)
    assert post(client, cancel)[1] == failed("nothing pending to cancel")
    post(client, seed_body(value, msg="hi"))

    assert post(client, cancel)[1] == failed("replayed request")
    assert pending.exists()


@pytest.mark.parametrize("referer", [None, "not a url", "http:///path"])
def test_it_refuses_a_post_without_a_referer_host(client, value, target, referer):
    response, body = post(client, seed_body(value), referer=referer)

    assert (response.status_code, body) == (400, failed("referer required"))


def test_it_takes_the_host_from_origin_without_referer(client, value, target):
    response = client.post(
        URL, seed_body(value), content_type="application/json", headers={"Origin": "http://example.com"}
    )

    assert json.loads(response.content) == SEED_SUCCESS


@pytest.mark.parametrize("referer", ["http://other.example.net/", "http://example.com.evil.net/"])
def test_it_does_not_find_the_token_from_another_host(client, value, target, referer):
    response, body = post(client, seed_body(value), referer=referer)

    assert (response.status_code, body) == (401, failed("unknown token"))


def test_it_refuses_a_body_encrypted_with_another_key(client, value, target):
    other = "cbn_" + "Z" * 28

    assert post(client, seed_body(other))[1] == failed("unknown token")
    assert post(client, seed_body(value, mytoken=other))[1] == failed("unknown token")


def test_it_picks_the_token_that_encrypted_the_request_among_those_of_the_host(client, developer, outsider, target):
    ApiToken.issue(outsider, "Theirs", "example.com")
    mine, value = ApiToken.issue(developer, "Mine", "*.example.com")

    assert post(client, seed_body(value), referer="https://www.example.com/form")[1] == SEED_SUCCESS
    assert CallRequest.objects.get().token == mine


def test_it_accepts_a_rolled_token_during_its_grace(client, value, token, target):
    new_value = token.roll(grace_seconds=3600)

    assert post(client, seed_body(value))[1] == SEED_SUCCESS
    assert post(client, seed_body(new_value, action="cancel"))[1] == SEED_SUCCESS


@pytest.mark.parametrize("lifecycle", ["suspend", "revoke"])
def test_it_refuses_a_token_that_is_not_active(client, value, token, target, lifecycle):
    getattr(token, lifecycle)()

    response, body = post(client, seed_body(value))

    assert (response.status_code, body) == (403, failed("token not active"))
    assert ApiRequestLog.objects.get().token == token


def test_it_refuses_an_undecryptable_field(client, value, target):
    body = json.loads(seed_body(value))
    body["phonenumber"] = encrypt_field("cbn_" + "Q" * 28, "01011111111")

    response, answer = post(client, json.dumps(body))

    assert (response.status_code, answer) == (400, failed("undecryptable field"))


def test_it_refuses_a_message_that_is_not_utf8(client, value, target):
    """The seed's client encrypts the message's bytes: bytes that are not UTF-8 (here Latin-1) are refused."""
    body = json.loads(seed_body(value))
    body["mymsg"] = encrypt_bytes(value, "café".encode("latin-1"))

    response, answer = post(client, json.dumps(body))

    assert (response.status_code, answer) == (400, failed("undecryptable field"))
    assert not CallRequest.objects.exists()


def encrypt_bytes(key, data):
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(aes_key(key)), modes.CBC(ZERO_IV)).encryptor()
    return base64.b64encode(encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()).decode()


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[]",
        '"text"',
        "null",
        '{"mytoken": 5}',
        '{"mytoken": null}',
        "[" * 5000,
        '{"a":"' + "x" * 17000 + '"}',
    ],
)
def test_it_refuses_a_malformed_body(client, value, body):
    response, answer = post(client, body)

    assert (response.status_code, answer) == (400, failed("malformed body"))


def test_it_refuses_a_body_without_mytoken(client, value):
    body = json.loads(seed_body(value))
    del body["mytoken"]

    assert post(client, json.dumps(body))[1] == failed("missing parameter")


def test_it_refuses_a_non_utf8_body(client, value):
    assert post(client, b"\xff\xfe{}")[1] == failed("malformed body")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "TRACE"])
def test_it_takes_post_only(client, method):
    response = client.generic(method, URL)

    assert (response.status_code, json.loads(response.content)) == (405, failed("method not allowed"))
    assert response["Allow"] == "POST, OPTIONS"


def test_it_answers_a_browser_s_cors_preflight_for_a_json_body(client):
    response = client.options(
        URL,
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 204
    assert (response["Access-Control-Allow-Origin"], response["Access-Control-Allow-Methods"]) == ("*", "POST")
    assert response["Access-Control-Allow-Headers"] == "Content-Type"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert not ApiRequestLog.objects.exists()


@pytest.mark.usefixtures("clear_of_a_minute_s_end")
def test_it_limits_the_calls_of_a_token_per_minute(client, value, target, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    answers = [post(client, seed_body(value, foot=now_millis() + i))[1] for i in range(3)]

    assert answers == [SEED_SUCCESS, SEED_SUCCESS, failed("rate limited")]


def test_it_logs_the_call_with_the_referer_host(client, value, token, target):
    post(client, seed_body(value, action="cancel"), referer="http://example.com/path?q=1")

    log = ApiRequestLog.objects.get()
    assert (log.token, log.action, log.transport, log.result, log.reason, log.status, log.referer_host) == (
        token,
        "cancel",
        "POST",
        "failed",
        "nothing pending to cancel",
        409,
        "example.com",
    )


@pytest.mark.django_db(transaction=True)
def test_it_accepts_one_of_many_simultaneous_copies_of_a_request(live_server, value, target):
    """Each server thread has its own database connection, as separate processes or machines would."""
    import threading

    import requests

    body = seed_body(value)
    start = threading.Barrier(6)
    answers = []

    def send():
        start.wait()
        answers.append(
            requests.post(
                f"{live_server.url}{URL}",
                data=body,
                timeout=30,
                headers={"Referer": "http://example.com/", "Content-Type": "application/json"},
            ).json()
        )

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer["result"] for answer in answers) == ["failed"] * 5 + ["success"]
    assert {answer.get("reason") for answer in answers} == {None, "replayed request"}
    assert CallRequest.objects.count() == 1
