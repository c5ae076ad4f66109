"""The stand-ins for FCM, APNs and Web Push (tests/push_standins.py) refuse what the real services refuse: without
that, the push tests' green would prove nothing. Each check is made to fail once here."""

import base64
import json
import ssl
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from py_vapid import Vapid
from pywebpush import WebPusher

from tests.push_standins import APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC, GOOGLE_TOKEN_AUDIENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def http(push_standin):
    context = ssl.create_default_context(cafile=str(push_standin.keys.ca_file))
    with httpx.Client(verify=context, http2=True) as client:
        yield client


def assertion(push_standin, key=None, **claims):
    account = json.loads(push_standin.keys.service_account_file.read_text())
    now = int(time.time())
    body = {
        "iss": account["client_email"],
        "aud": GOOGLE_TOKEN_AUDIENCE,
        "scope": "https://www.googleapis.com/auth/firebase.messaging",
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    return jwt.encode(body, key or account["private_key"], algorithm="RS256")


def token_answer(http, push_standin, text):
    grant = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": text}
    return http.post(f"{push_standin.base_url}/token", data=grant)


def test_the_token_endpoint_verifies_the_assertion(http, push_standin):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    assert token_answer(http, push_standin, assertion(push_standin)).status_code == 200
    assert token_answer(http, push_standin, assertion(push_standin, key=other_key)).status_code == 400
    assert token_answer(http, push_standin, assertion(push_standin, aud="https://example.com/")).status_code == 400
    assert token_answer(http, push_standin, assertion(push_standin, scope="email")).status_code == 400


def test_fcm_refuses_an_unknown_bearer_and_a_message_off_the_v1_shape(http, push_standin):
    access = token_answer(http, push_standin, assertion(push_standin)).json()["access_token"]
    url = f"{push_standin.base_url}/v1/projects/callbacknow-test/messages:send"
    good = {"message": {"token": "t" * 30, "data": {"id": "1"}, "android": {"priority": "HIGH", "ttl": "60s"}}}

    def send(body, bearer=access):
        return http.post(url, json=body, headers={"Authorization": f"Bearer {bearer}"}).status_code

    assert send(good) == 200
    assert send(good, bearer="ya29.made-up") == 401
    assert send({"message": {**good["message"], "data": {"id": 1}}}) == 400  # data values are strings
    assert send({"message": {**good["message"], "android": {"priority": "URGENT"}}}) == 400
    assert send({"message": {**good["message"], "topic": "news"}}) == 400  # one target only
    assert send({"message": {**good["message"], "colour": "red"}}) == 400


def apns_headers(key, team=APNS_TEAM_ID, **overrides):
    token = jwt.encode({"iss": team, "iat": int(time.time())}, key, algorithm="ES256", headers={"kid": APNS_KEY_ID})
    headers = {
        "authorization": f"bearer {token}",
        "apns-topic": APNS_TOPIC,
        "apns-push-type": "alert",
        "apns-priority": "10",
        "apns-collapse-id": "cr_1",
        "apns-expiration": "0",
    }
    return {**headers, **overrides}


def test_apns_wants_http2_and_a_provider_token_of_the_key(http, push_standin):
    key = push_standin.keys.apns_key_file.read_text()
    url = f"{push_standin.base_url}/3/device/{'ab' * 32}"
    payload = {"aps": {"alert": {"title": "x", "body": "y"}}}

    assert http.post(url, json=payload, headers=apns_headers(key)).status_code == 200
    context = ssl.create_default_context(cafile=str(push_standin.keys.ca_file))
    with httpx.Client(verify=context) as http1:
        assert http1.post(url, json=payload, headers=apns_headers(key)).status_code == 400
    other = ec.generate_private_key(ec.SECP256R1())
    assert http.post(url, json=payload, headers=apns_headers(other)).json() == {"reason": "InvalidProviderToken"}
    assert http.post(url, json=payload, headers=apns_headers(key, team="OTHERTEAM1")).status_code == 403
    assert http.post(url, json=payload, headers=apns_headers(key, **{"apns-priority": "5"})).status_code == 200
    assert http.post(url, json=payload, headers=apns_headers(key, **{"apns-priority": "7"})).status_code == 400
    loud = {"aps": {**payload["aps"], "interruption-level": "loud"}}  # Apple knows four levels
    assert http.post(url, json=loud, headers=apns_headers(key)).status_code == 400
    assert http.post(url, json={"aps": {}}, headers=apns_headers(key)).status_code == 400


def test_web_push_verifies_vapid_and_decrypts_the_payload(http, push_standin):
    subscription = push_standin.subscription()
    vapid = Vapid.from_file(private_key_file=str(push_standin.keys.vapid_key_file))
    claims = {"sub": "mailto:push@callbacknow.test", "aud": push_standin.base_url}

    def send(signer, body=b'{"ok": true}', info=None):
        prepared = WebPusher(info or subscription.as_json())._prepare_send_data(
            body, {**signer.sign(dict(claims)), "Urgency": "high", "Topic": "cr_1"}, ttl=60
        )
        return http.post(subscription.endpoint, content=prepared["data"], headers=dict(prepared["headers"]))

    assert send(vapid).status_code == 201
    assert push_standin.received[-1]["payload"] == {"ok": True}
    other = Vapid()
    other.generate_keys()
    assert send(other).status_code == 403  # another application server's key
    stranger = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    wrong_keys = {**subscription.as_json(), "keys": {**subscription.as_json()["keys"]}}
    wrong_keys["keys"]["p256dh"] = base64.urlsafe_b64encode(stranger).rstrip(b"=").decode()
    assert send(vapid, info=wrong_keys).status_code == 400  # encrypted for another key: does not decrypt
