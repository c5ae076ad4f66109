"""Apple Push Notification service: HTTP/2, a token-based provider JWT (ES256, the key's ID and the team's), an
alert with interruption-level time-sensitive (not a VoIP push: a call request is not a call)."""

import threading
import time

import httpx
import jwt
from django.conf import settings

from device.push import providers
from device.push.providers import DEAD, SENT, Outcome

# Apple refuses a provider token older than an hour and one renewed more than once in 20 minutes.
TOKEN_LIFETIME_SECONDS = 40 * 60
CANCELLED_TEXT = "요청이 취소되었습니다 · Request cancelled"
_token = {}
_lock = threading.Lock()


def provider_token():
    with _lock:
        if not _token or time.time() - _token["iat"] > TOKEN_LIFETIME_SECONDS:
            with open(settings.PUSH_APNS_KEY_FILE, "rb") as key_file:
                key = key_file.read()
            issued = int(time.time())
            _token.update(
                iat=issued,
                text=jwt.encode(
                    {"iss": settings.PUSH_APNS_TEAM_ID, "iat": issued},
                    key,
                    algorithm="ES256",
                    headers={"kid": settings.PUSH_APNS_KEY_ID},
                ),
            )
        return _token["text"]


def request(call_request, action, quiet=False):
    """(headers, payload) of the push. A withdrawal replaces the notification (same apns-collapse-id) with a quiet
    one that says the request was cancelled. A request in quiet hours is sent as passive: no sound, the screen not
    lit, apns-priority 5 (delivered when the device is awake anyway)."""
    headers = {
        "authorization": f"bearer {provider_token()}",
        "apns-topic": settings.PUSH_APNS_TOPIC,
        "apns-push-type": "alert",
        "apns-priority": "5" if quiet else "10",
        "apns-collapse-id": call_request.public_id,
        "apns-expiration": str(int(call_request.expires_at.timestamp())),
    }
    if action == "send" and quiet:
        alert = {"title": call_request.requester_number, "body": call_request.message}
        aps = {"alert": alert, "interruption-level": "passive"}
    elif action == "send":
        alert = {"title": call_request.requester_number, "body": call_request.message}
        aps = {"alert": alert, "sound": "default", "interruption-level": "time-sensitive"}
    else:
        alert = {"title": call_request.requester_number, "body": CANCELLED_TEXT}
        aps = {"alert": alert, "interruption-level": "passive"}
    return headers, {"aps": aps, "call_request_id": call_request.public_id, "action": action}


def send(token, environment, call_request, action, quiet=False):
    base = settings.PUSH_APNS_URL if environment == "production" else settings.PUSH_APNS_SANDBOX_URL
    headers, payload = request(call_request, action, quiet)
    try:
        response = providers.client(http2=True).post(f"{base}/3/device/{token}", json=payload, headers=headers)
    except httpx.HTTPError as exc:
        return providers.network_failure(exc)
    return outcome(response)


def outcome(response):
    """As Apple documents it: 200 and its apns-id; 410 Unregistered or 400 BadDeviceToken: the token is dead;
    403 ExpiredProviderToken: a new provider token, retried; 429 and 5xx: retried."""
    if response.status_code == 200:
        return Outcome(SENT, 200, response.headers.get("apns-id", "")[:300])
    try:
        reason = str(response.json().get("reason", ""))[:200]
    except (ValueError, AttributeError):
        reason = ""
    answer = reason or f"HTTP {response.status_code}"
    if response.status_code == 410 or (response.status_code == 400 and reason == "BadDeviceToken"):
        return Outcome(DEAD, response.status_code, answer)
    if response.status_code == 403 and reason == "ExpiredProviderToken":
        with _lock:
            _token.clear()
        return Outcome(providers.RETRY, 403, answer)
    return providers.transient(response, answer)
