"""GET /<token>/<action>/… (and JSONP): every action, every failure a GET can meet, and the request log."""

import json
import logging
from urllib.parse import quote

import pytest
from django.test import override_settings

from accounts.models import ApiToken
from api import callers
from api.models import ApiRequestLog, CallRequest, Subscriber
from tests.helpers import SEED_NOT_REGISTERED, SEED_SUCCESS, TARGET_ID, failed

pytestmark = pytest.mark.django_db
UNKNOWN_TOKEN = "x" * 32


def call(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response, json.loads(response.content)


def test_it_answers_the_seeds_callback_example(client, value, target, pending, token):
    response, body = call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/%22hello%20world%22")

    assert response.status_code == 200
    assert response.content == json.dumps(SEED_SUCCESS, separators=(",", ":")).encode()
    request = pending.get()
    assert (request.requester_number, request.message, request.token) == ("+821010041004", "hello world", token)


def test_it_answers_with_the_target_as_sent(client, value, target):
    _response, body = call(client, f"/{value}/callback/010-1004-1004/KR/010-1111-1111/KR/hi/")

    assert body == {"result": "success", "opname": "SRTelecom", "iso": "KR", "phone_number": "010-1111-1111"}


def test_it_keeps_a_korean_message_with_slashes(client, value, target, pending):
    message = "조금 까다롭던 그 고객 / 3층"
    call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/{quote(message)}")

    assert pending.get().message == message


def test_it_answers_the_seeds_neocallback_example(client, value, target, pending):
    response, body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/%22hello%20world%22")

    assert (response.status_code, body) == (200, SEED_SUCCESS)
    assert pending.get().message == "hello world"


def test_it_finds_a_target_id_in_any_letter_case(client, value, target):
    _response, body = call(client, f"/{value}/neocallback/01010041004/kr/AirPagePhone/hi")

    assert body == SEED_SUCCESS


def test_it_refreshes_a_pending_request_instead_of_duplicating_it(client, value, target, pending):
    call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/first")
    call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/second")

    assert list(pending.values_list("message", flat=True)) == ["second"]


def test_it_cancels_as_in_the_seeds_example(client, value, target, pending):
    call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    response, body = call(client, f"/{value}/cancel/01010041004/kr/01011111111/kr")

    assert (response.status_code, body) == (200, SEED_SUCCESS)
    assert not pending.exists()
    assert CallRequest.objects.get().state == CallRequest.State.CANCELLED


@pytest.mark.parametrize("action", ["cancel", "neocancel"])
def test_it_cancels_by_target_id(client, value, target, pending, action):
    call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    response, body = call(client, f"/{value}/{action}/01010041004/kr/{TARGET_ID}/")

    assert (response.status_code, body) == (200, SEED_SUCCESS)
    assert not pending.exists()


def test_it_refuses_to_cancel_what_is_not_pending(client, value, target):
    response, body = call(client, f"/{value}/cancel/01010041004/kr/01011111111/kr")

    assert (response.status_code, body) == (409, failed("nothing pending to cancel"))


def test_it_refuses_to_cancel_an_expired_request(client, value, target, settings):
    settings.CALL_REQUEST_TTL_SECONDS = 0
    call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    response, body = call(client, f"/{value}/neocancel/01010041004/kr/{TARGET_ID}")

    assert (response.status_code, body) == (409, failed("nothing pending to cancel"))


def test_it_answers_the_seeds_failure_for_an_unregistered_number(client, value, target):
    response, body = call(client, f"/{value}/callback/01010041004/kr/01099999999/kr/hi")

    assert (response.status_code, body) == (404, SEED_NOT_REGISTERED)
    assert not CallRequest.objects.exists()


def test_it_treats_an_inactive_subscriber_as_unregistered(client, value, target):
    Subscriber.objects.update(active=False)

    response, body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    assert (response.status_code, body) == (404, failed("target id is not registered to callbacknow"))


@pytest.mark.parametrize(
    "path, status, reason",
    [
        ("callback/01010041004/kr/01011111111/kr", 400, "missing parameter"),
        ("callback/01010041004/kr/01011111111", 400, "missing parameter"),
        ("callback/01010041004/kr//kr/hi", 400, "missing parameter"),
        ("neocallback/01010041004/kr/airpagephone", 400, "missing parameter"),
        ("cancel/01010041004/kr", 400, "missing parameter"),
        ("cancel", 400, "missing parameter"),
        ("cancel/01010041004/kr/01011111111/kr/extra", 400, "too many parameters"),
        ("neocancel/01010041004/kr/airpagephone/kr", 400, "too many parameters"),
        ("calback/01010041004/kr/01011111111/kr/hi", 404, "unknown action"),
        ("callback/01010041004/zz/01011111111/kr/hi", 400, "bad country code"),
        ("callback/01010041004/kr/01011111111/korea/hi", 400, "bad country code"),
        ("callback/01010041004/kr/01011111111/us/hi", 400, "invalid number"),
        ("callback/12/kr/01011111111/kr/hi", 400, "invalid number"),
        ("callback/+14155550123/kr/01011111111/kr/hi", 400, "invalid number"),
        ("callback/01010041004/kr/01011111111/kr/line%0Abreak", 400, "invalid message"),
        ("callback/01010041004/kr/01011111111/kr/nul%00", 400, "invalid message"),
        ("callback/01010041004/kr/01011111111/kr/%ff%fe", 400, "invalid message"),  # not UTF-8, as the docs ask
        ("neocallback/01010041004/kr/airpagephone/caf%e9/%22x%22", 400, "invalid message"),  # Latin-1
        ("callback/01010041004/kr/01011111111/kr/" + "x" * 201, 400, "message too long"),
        ("neocallback/01010041004/kr/nobody/hi", 404, "target id is not registered to callbacknow"),
        ("neocancel/01010041004/kr/no%00body", 404, "target id is not registered to callbacknow"),
    ],
)
def test_it_refuses_a_bad_call_with_a_stable_reason(client, value, target, path, status, reason):
    response, body = call(client, f"/{value}/{path}")

    assert (response.status_code, body) == (status, failed(reason))
    assert not CallRequest.objects.exists()


def test_it_refuses_a_message_that_is_not_utf8_over_jsonp_too(client, value, target):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/%ff%fe", {"callback": "cb"})

    assert response.content == b'/**/cb({"result":"failed","reason":"invalid message"});'
    assert not CallRequest.objects.exists()


def test_it_keeps_a_message_that_holds_percent_signs_as_text(client, value, target, pending):
    """%25 is a "%": a message may read "%E2%82%AC" as text (bytes that were not UTF-8 reach the API as "%XX")."""
    response, body = call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/%25E2%2582%25AC%20100%25")

    assert body == SEED_SUCCESS
    assert pending.get().message == "%E2%82%AC 100%"


def test_it_accepts_a_message_of_the_maximum_length(client, value, target, settings):
    settings.API_MESSAGE_MAX_LENGTH = 5
    assert call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/%2212345%22")[1] == SEED_SUCCESS
    assert call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/123456")[1] == failed("message too long")


@pytest.mark.parametrize("token", ["mytokentoken", "cbn_" + "x" * 28, "x" * 500])
def test_it_refuses_an_unknown_token(client, target, token):
    response, body = call(client, f"/{token}/callback/01010041004/kr/01011111111/kr/hi")

    assert (response.status_code, body) == (401, failed("unknown token"))


@pytest.mark.parametrize("lifecycle", ["suspend", "revoke"])
def test_it_refuses_a_token_that_is_not_active(client, value, token, target, lifecycle):
    getattr(token, lifecycle)()

    response, body = call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    assert (response.status_code, body) == (403, failed("token not active"))
    assert ApiRequestLog.objects.get().token == token


def test_it_refuses_a_token_pending_approval(client, developer, target):
    token, value = ApiToken.issue(developer, "Later", "example.com")
    ApiToken.objects.filter(pk=token.pk).update(state=ApiToken.State.PENDING)

    assert call(client, f"/{value}/cancel/01010041004/kr/airpagephone")[1] == failed("token not active")


def test_it_accepts_a_rolled_token_during_its_grace_only(client, value, token, target):
    new_value = token.roll(grace_seconds=3600)

    assert call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/old")[1] == SEED_SUCCESS
    assert call(client, f"/{new_value}/callback/01010041004/kr/01011111111/kr/new")[1] == SEED_SUCCESS
    ApiToken.objects.filter(pk=token.pk).update(previous_valid_until="2000-01-01T00:00:00Z")
    callers.forget()  # an update() is no save: other processes would see it within API_TOKEN_CACHE_SECONDS
    assert call(client, f"/{value}/callback/01010041004/kr/01011111111/kr/old")[1] == failed("token not active")


@pytest.mark.parametrize(
    "headers",
    [
        {"Referer": "https://example.com/page"},
        {"Origin": "https://example.com"},
        {"Origin": "http://EXAMPLE.com:8080", "Referer": "http://example.com/x"},
        {},
    ],
)
def test_it_accepts_a_page_of_the_tokens_host_or_a_server(client, value, target, headers):
    assert call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi", **headers)[1] == SEED_SUCCESS


@pytest.mark.parametrize(
    "headers",
    [
        {"Referer": "https://evil.example.net/"},
        {"Origin": "https://evil.example.net"},
        {"Origin": "null"},
        {"Origin": "https://example.com", "Referer": "https://example.com.evil.net/"},
        {"Referer": "https://sub.example.com/"},
    ],
)
def test_it_refuses_a_page_of_another_host(client, value, target, headers):
    response, body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi", **headers)

    assert (response.status_code, body) == (403, failed("host mismatch"))
    assert not CallRequest.objects.exists()


def test_it_accepts_subdomains_of_a_wildcard_host(client, developer, target):
    _token, value = ApiToken.issue(developer, "Wild", "*.example.org")

    body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi", Referer="https://a.b.example.org/")[1]

    assert body == SEED_SUCCESS


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_takes_get_only(client, value, target, method):
    response = getattr(client, method)(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    assert (response.status_code, json.loads(response.content)) == (405, failed("method not allowed"))
    assert not CallRequest.objects.exists()


@pytest.mark.parametrize("known", [True, False])
def test_it_answers_another_method_405_with_allow_before_reading_the_token(client, value, known, target):
    path = f"/{value if known else 'no-such-token'}/callback/01010041004/kr/01011111111/kr/hi"

    response = client.generic("TRACE", path)

    assert (response.status_code, response["Allow"]) == (405, "GET, OPTIONS")
    assert response.content == b'{"result":"failed","reason":"method not allowed"}'
    assert not CallRequest.objects.exists()


def test_it_answers_a_browser_s_cors_preflight(client, value, target):
    response = client.options(
        f"/{value}/cancel/01010041004/kr/01011111111/kr",
        headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET"
    assert response["Access-Control-Allow-Headers"] == "Content-Type"
    assert response["Access-Control-Max-Age"] == "86400"
    assert response["Allow"] == "GET, OPTIONS"
    assert not ApiRequestLog.objects.exists()  # not a call: neither logged nor counted


@pytest.mark.usefixtures("clear_of_a_minute_s_end")
def test_it_limits_the_calls_of_a_token_per_minute(client, value, token, target, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    path = f"/{value}/neocallback/01010041004/kr/airpagephone/hi"
    answers = [call(client, path) for _ in range(4)]

    assert [response.status_code for response, _body in answers] == [200, 200, 200, 429]
    assert answers[-1][1] == failed("rate limited")
    token.rate_limit_per_minute = 10
    token.save()
    assert call(client, path)[0].status_code == 200


def test_it_logs_every_call_without_the_token(client, value, token, target):
    call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi", Referer="https://example.com/a?b=c")
    call(client, f"/{value}/calback/01010041004/kr/x/kr/hi")
    client.get(f"/{value}/cancel/01010041004/kr/airpagephone?callback=done")
    call(client, "/mytokentoken/cancel/01010041004/kr/airpagephone")

    rows = list(
        ApiRequestLog.objects.order_by("id").values_list(
            "token", "action", "transport", "result", "reason", "status", "client_ip", "referer_host"
        )
    )
    assert rows == [
        (token.pk, "neocallback", "GET", "success", "", 200, "127.0.0.1", "example.com"),
        (token.pk, "", "GET", "failed", "unknown action", 404, "127.0.0.1", ""),
        (token.pk, "neocancel", "JSONP", "success", "", 200, "127.0.0.1", ""),
        (None, "neocancel", "GET", "failed", "unknown token", 401, "127.0.0.1", ""),  # the action asked for
    ]
    stored = " ".join(str(field) for row in ApiRequestLog.objects.values_list() for field in row)
    assert value not in stored and value[4:] not in stored
    token.refresh_from_db()
    assert token.last_used_ip == "127.0.0.1" and token.last_used_at is not None


def test_it_leaves_a_page_s_address_that_looks_like_a_call_to_the_page(client, value, target):
    """An API path is resolved against the API's routes alone unless it starts with a page's prefix."""
    admin = client.get("/admin/callback/01010041004/kr/01011111111/kr/hi")
    api = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]  # the admin's own answer
    assert (api.status_code, api.json()) == (200, SEED_SUCCESS)


def test_it_serves_a_mistyped_portal_page_as_the_portals_404(client):
    response = client.get("/accounts/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_keeps_django_from_logging_a_refused_call_a_second_time(client, caplog):
    """The request log has every call: Django's own request log must not add a line, the path in it, for each refused
    one. Django's private _has_been_logged, set on every answer, is what stops it: an upgrade that renamed it would
    bring the lines back."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        refused = client.get(f"/{UNKNOWN_TOKEN}/callback/01010041004/kr/01011111111/kr/hi")
        page = client.get("/settings/api/")  # a page's 404 is logged: the log is listened to

    assert (refused.status_code, page.status_code) == (401, 404)
    lines = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert len(lines) == 1 and lines[0].startswith("Not Found: /") and lines[0].endswith("/api/")  # the page's only


def test_it_answers_a_database_outage_with_503_json(client, value, target, monkeypatch, caplog):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(CallRequest, "request_call", broken)

    response, body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    assert (response.status_code, body) == (503, failed("service unavailable"))
    # An outage logs one line a call, not a traceback: hundreds of calls a second would drown the log.
    outage_lines = [r for r in caplog.records if "service unavailable" in r.getMessage()]
    assert [(r.levelname, r.exc_info) for r in outage_lines] == [("WARNING", None)]


def test_it_logs_a_fault_of_ours_with_its_traceback(client, value, target, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(CallRequest, "request_call", broken)

    response, body = call(client, f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    assert (response.status_code, body) == (503, failed("service unavailable"))
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


@override_settings(DEBUG=False)
def test_it_never_answers_html_even_without_debug(client):
    response, body = call(client, f"/{UNKNOWN_TOKEN}/y/%ff%fe/" + "%00" * 3)

    assert (response.status_code, body) == (401, failed("unknown token"))


@pytest.mark.parametrize("path", ["/x/callback//kr", f"/{UNKNOWN_TOKEN}//01010041004", f"/{UNKNOWN_TOKEN}//"])
def test_it_answers_empty_parts_in_json(client, path):
    response, body = call(client, path)

    assert (response.status_code, body) == (401, failed("unknown token"))


@pytest.mark.parametrize("path", [f"/{UNKNOWN_TOKEN}/api/", "/settings/callback/", "/x/status"])
def test_it_answers_a_call_s_shape_in_json_whatever_its_token(client, path):
    """A call is a path whose action is the API's, or whose first segment has a token's length (32 characters)."""
    response, body = call(client, path)

    assert (response.status_code, body) == (401, failed("unknown token"))
    assert ApiRequestLog.objects.get().reason == "unknown token"


@pytest.mark.parametrize("path", ["/settings/api/", "/settings/api/keys/", "/tokens/new/x/", "/x/y"])
def test_it_serves_an_unknown_two_segment_address_as_the_portals_404(client, path):
    response = client.get(path)

    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")
    assert b"unknown token" not in response.content
    assert not ApiRequestLog.objects.exists()


@pytest.mark.parametrize("forwarded, logged", [("198.51.100.7", "198.51.100.7"), ("not-an-address", None)])
def test_it_logs_the_client_address_behind_a_trusted_proxy(client, value, target, settings, forwarded, logged):
    settings.TRUSTED_PROXY_COUNT = 1

    response, body = call(client, f"/{value}/cancel/01010041004/kr/airpagephone", X_Forwarded_For=forwarded)

    assert response.status_code == 409
    assert ApiRequestLog.objects.get().client_ip == logged


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_answers_other_methods_in_json_not_django_s_csrf_page(value, method):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # as a real client without a CSRF cookie
    response = getattr(strict, method)(f"/{value}/callback/01010041004/kr/01011111111/kr/x")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == failed("method not allowed")
