"""PUT and DELETE /device/v1/push: the phone registers, replaces or removes where a push wakes it; GET /me shows it
masked. The token or subscription is personal data: stored encrypted, never shown whole, never logged."""

import json
import logging

import pytest

from device.models import PushTarget

pytestmark = pytest.mark.django_db

FCM_TOKEN = "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx2K8ZNJ7-pPgyS0xZ4kB1vjY3z5qLg2rT0oN9mV6cE8hU7iA5sD4fF"
APNS_TOKEN = "a1b2c3d4" * 8
PUBLIC_KEY = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def put(phone, body):
    raw = body if isinstance(body, str) else json.dumps(body)
    return phone.put("/device/v1/push", raw, content_type="application/json")


def subscription(endpoint="https://push.example.net/wp/abc123XYZ", p256dh=PUBLIC_KEY, auth=AUTH):
    return {"kind": "webpush", "subscription": {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}}


@pytest.fixture
def public_push_service(monkeypatch):
    """push.example.net resolves to a public address, as a browser's push service does."""
    import socket

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "push.example.net":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_it_registers_an_fcm_token_shown_masked_and_stored_encrypted(phone, issued_key):
    response = put(phone, {"kind": "fcm", "token": FCM_TOKEN})

    assert response.status_code == 200
    assert response.json() == {"push": {"kind": "fcm", "target": "…D4fF"}}
    target = PushTarget.objects.get(device_key=issued_key[0])
    assert (target.kind, target.secret()) == ("fcm", FCM_TOKEN)
    assert FCM_TOKEN not in target.secret_encrypted
    assert phone.get("/device/v1/me").json()["push"] == {"kind": "fcm", "target": "…D4fF"}


def test_it_registers_an_apns_token_with_its_environment(phone, issued_key):
    response = put(phone, {"kind": "apns", "token": APNS_TOKEN.upper(), "environment": "sandbox"})

    assert response.json() == {"push": {"kind": "apns", "target": "…c3d4", "environment": "sandbox"}}
    target = PushTarget.objects.get(device_key=issued_key[0])
    assert (target.secret(), target.environment) == (APNS_TOKEN, "sandbox")


def test_it_registers_a_web_push_subscription(phone, issued_key, public_push_service):
    response = put(phone, subscription())

    assert response.json() == {"push": {"kind": "webpush", "target": "push.example.net …3XYZ"}}
    stored = json.loads(PushTarget.objects.get(device_key=issued_key[0]).secret())
    assert stored == subscription()["subscription"]


def test_it_replaces_the_target_and_delete_removes_it(phone, issued_key):
    put(phone, {"kind": "fcm", "token": FCM_TOKEN})
    put(phone, {"kind": "apns", "token": APNS_TOKEN, "environment": "production"})

    assert PushTarget.objects.get(device_key=issued_key[0]).kind == "apns"
    response = phone.delete("/device/v1/push")
    assert (response.status_code, response.json()) == (200, {"push": None})
    assert not PushTarget.objects.filter(device_key=issued_key[0]).exists()
    assert phone.get("/device/v1/me").json()["push"] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "body must be a JSON object with kind fcm, apns or webpush"),
        ({"kind": "sms", "token": FCM_TOKEN}, "body must be a JSON object with kind fcm, apns or webpush"),
        ({"kind": "fcm"}, "token must be an FCM registration token"),
        ({"kind": "fcm", "token": "short"}, "token must be an FCM registration token"),
        ({"kind": "fcm", "token": "has spaces " * 5}, "token must be an FCM registration token"),
        ({"kind": "apns", "token": "xyz" * 30, "environment": "sandbox"}, "token must be an APNs device token in hexadecimal"),
        ({"kind": "apns", "token": APNS_TOKEN}, "environment must be production or sandbox"),
        ({"kind": "apns", "token": APNS_TOKEN, "environment": "dev"}, "environment must be production or sandbox"),
        ({"kind": "webpush"}, "subscription must have an endpoint and keys p256dh and auth"),
        ({"kind": "webpush", "subscription": {"endpoint": "https://push.example.net/x"}}, "subscription must have an endpoint and keys p256dh and auth"),
        (subscription("http://push.example.net/wp/1"), "endpoint must be an https URL"),
        (subscription("https://user:pw@push.example.net/wp/1"), "endpoint must be an https URL"),
        (subscription("ftp://push.example.net/wp/1"), "endpoint must be an https URL"),
        (subscription(p256dh="AAAA"), "keys must be a P-256 public key (p256dh) and a 16-byte secret (auth) in base64url"),
        (subscription(p256dh=PUBLIC_KEY[:-4] + "AAAA"), "keys must be a P-256 public key (p256dh) and a 16-byte secret (auth) in base64url"),
        (subscription(auth="c2hvcnQ"), "keys must be a P-256 public key (p256dh) and a 16-byte secret (auth) in base64url"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_target_with_its_reason_and_keeps_the_old(
    phone, issued_key, public_push_service, body, reason
):
    put(phone, {"kind": "fcm", "token": FCM_TOKEN})

    response = put(phone, body)

    assert (response.status_code, response.json()) == (400, {"reason": reason})
    assert PushTarget.objects.get(device_key=issued_key[0]).secret() == FCM_TOKEN


@pytest.mark.parametrize(
    "endpoint",
    ["https://127.0.0.1/wp/1", "https://10.0.0.8/wp/1", "https://[::1]/wp/1", "https://169.254.169.254/latest"],
)
def test_it_refuses_an_endpoint_on_a_private_address_as_webhook_urls_are(phone, settings, endpoint):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    response = put(phone, subscription(endpoint))

    assert (response.status_code, response.json()) == (
        400,
        {"reason": "endpoint's host does not resolve to a public address"},
    )


def test_it_refuses_an_endpoint_whose_host_does_not_resolve(phone, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    response = put(phone, subscription("https://push.invalid/wp/1"))

    assert response.json() == {"reason": "endpoint's host does not resolve to a public address"}


def test_it_keeps_the_token_out_of_the_logs(phone, caplog):
    caplog.set_level(logging.DEBUG)

    put(phone, {"kind": "fcm", "token": FCM_TOKEN})
    put(phone, {"kind": "fcm", "token": FCM_TOKEN + "!"})

    assert FCM_TOKEN not in caplog.text


def test_it_needs_a_device_key(client):
    response = client.put("/device/v1/push", json.dumps({"kind": "fcm", "token": FCM_TOKEN}), "application/json")

    assert response.status_code == 401


def test_it_refuses_other_methods(phone):
    response = phone.post("/device/v1/push", "{}", content_type="application/json")

    assert (response.status_code, response["Allow"]) == (405, "PUT, DELETE")
