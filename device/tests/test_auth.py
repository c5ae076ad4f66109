"""Every device API call needs a live device key (Authorization: Bearer), and is answered in JSON whatever happens."""

import logging

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from device.models import DeviceKey
from tests.helpers import bearer

pytestmark = pytest.mark.django_db

CHALLENGE = 'Bearer realm="CallbackNow device API"'
PATHS = [
    ("get", "/device/v1/me"),
    ("get", "/device/v1/call-requests"),
    ("get", "/device/v1/call-requests/cr_0000000000000000000000"),
    ("post", "/device/v1/call-requests/cr_0000000000000000000000/seen"),
    ("post", "/device/v1/call-requests/cr_0000000000000000000000/answer"),
    ("post", "/device/v1/call-requests/cr_0000000000000000000000/decline"),
]


def refused(response, reason):
    assert response.status_code == 401, response.content
    assert response.json() == {"reason": reason}
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return True


@pytest.mark.parametrize("method, path", PATHS)
def test_it_refuses_a_call_without_a_key_on_every_path(client, method, path):
    assert refused(getattr(client, method)(path), "missing device key")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "cbnd_" + "a" * 32])
def test_it_calls_anything_but_a_bearer_credential_a_missing_key(client, header):
    assert refused(client.get("/device/v1/me", HTTP_AUTHORIZATION=header), "missing device key")


@pytest.mark.parametrize(
    "value", ["cbnd_" + "a" * 32, "cbnd_short", "cbn_" + "a" * 28, "x" * 5000, "cbnd_" + "é" * 32, "' OR 1=1 --"]
)
def test_it_refuses_an_unknown_key(client, issued_key, value):
    assert refused(client.get("/device/v1/me", **bearer(value)), "unknown device key")


def test_it_refuses_a_revoked_key(client, issued_key):
    key, plaintext = issued_key
    key.revoke()

    assert refused(client.get("/device/v1/me", **bearer(plaintext)), "revoked device key")
    assert refused(client.post("/device/v1/call-requests/cr_x/answer", **bearer(plaintext)), "revoked device key")


def test_it_takes_the_scheme_in_any_letter_case(client, issued_key):
    response = client.get("/device/v1/me", HTTP_AUTHORIZATION=f"bearer {issued_key[1]}")

    assert response.status_code == 200


def test_it_takes_a_post_without_a_csrf_token(issued_key, send, target):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    call_request = send(target)

    response = strict.post(f"/device/v1/call-requests/{call_request.public_id}/seen", **bearer(issued_key[1]))

    assert response.status_code == 200, response.content


def test_it_notes_the_last_use_once_a_minute(phone, issued_key):
    key = issued_key[0]
    phone.get("/device/v1/me")
    key.refresh_from_db()
    first = key.last_used_at

    phone.get("/device/v1/me")
    key.refresh_from_db()

    assert first is not None and key.last_used_at == first


@pytest.mark.parametrize("method, path", [("post", "/device/v1/me"), ("delete", "/device/v1/call-requests")])
def test_it_refuses_another_method_with_the_allowed_ones(phone, method, path):
    response = getattr(phone, method)(path)

    assert response.status_code == 405
    assert response.json() == {"reason": "method not allowed"}
    assert response["Allow"] == "GET"


def test_it_refuses_another_method_before_asking_for_a_key(client):
    response = client.put("/device/v1/call-requests/cr_x/decline")

    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_it_answers_an_unknown_path_in_json(phone):
    for path in ["/device/v1/", "/device/v1/me/", "/device/v1/call-requests/cr_x/cancel", "/device/v1/nothing"]:
        response = phone.get(path)
        assert (response.status_code, response.json()) == (404, {"reason": "not found"}), path
        assert response["Cache-Control"] == "no-store"


def test_it_answers_a_database_outage_with_503_in_json(phone, monkeypatch, caplog):
    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(DeviceKey.objects, "lookup", database_down)
    caplog.set_level(logging.WARNING)

    response = phone.get(reverse("device:me"))

    assert (response.status_code, response.json()) == (503, {"reason": "service unavailable"})
    assert "Traceback" not in caplog.text


def test_it_answers_a_bug_with_503_and_logs_it(phone, monkeypatch, caplog):
    monkeypatch.setattr("device.payloads.subscriber", lambda subscriber: 1 / 0)

    response = phone.get("/device/v1/me")

    assert (response.status_code, response.json()) == (503, {"reason": "service unavailable"})
    assert "ZeroDivisionError" in caplog.text


def test_it_still_admits_the_phone_while_redis_is_down(phone, issued_key, unreachable_redis):
    with override_settings(CACHES=unreachable_redis):
        response = phone.get("/device/v1/me")

    assert response.status_code == 200, response.content
