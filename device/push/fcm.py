"""Firebase Cloud Messaging, HTTP v1: messages:send with an OAuth2 access token minted from a service-account key
(google-auth). Android priority high, a notification the user sees (FCM lowers the priority of an app whose
high-priority messages end in none) and the call request's ID as data."""

import json
import logging
import threading

import certifi
import google.auth.transport.urllib3
import httpx
import urllib3
from django.conf import settings
from google.oauth2 import service_account

from device.push import providers
from device.push.providers import DEAD, SENT, Outcome

log = logging.getLogger(__name__)
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
QUIET_CHANNEL = "call_requests_quiet"  # the app creates it with IMPORTANCE_LOW: no sound, no heads-up
_credentials = {}
_lock = threading.Lock()


def credentials():
    """The service account's credentials, their access token fresh (google-auth refreshes it before it expires)."""
    path = settings.PUSH_FCM_SERVICE_ACCOUNT_FILE
    with _lock:
        found = _credentials.get(path)
        if found is None:
            found = _credentials[path] = service_account.Credentials.from_service_account_file(path, scopes=[SCOPE])
        if not found.valid:
            pool = urllib3.PoolManager(ca_certs=settings.PUSH_CA_BUNDLE or certifi.where(), cert_reqs="CERT_REQUIRED")
            found.refresh(google.auth.transport.urllib3.Request(pool))
        return found


def message(token, call_request, action, ttl_seconds, quiet=False):
    """The v1 message: a notification and data for a new request; data only (the app removes the notification
    tagged with the request's ID) for a withdrawal. A quiet one (quiet hours) has normal priority (it does not wake
    the device from Doze), the low-priority notification channel without sound, and "quiet": "1" in its data."""
    data = {"call_request_id": call_request.public_id, "action": action}
    priority = "NORMAL" if quiet else "HIGH"
    android = {"priority": priority, "ttl": f"{ttl_seconds}s", "collapse_key": call_request.public_id}
    found = {"token": token, "data": data, "android": android}
    if action == "send":
        found["notification"] = {"title": call_request.requester_number, "body": call_request.message}
        android["notification"] = {"tag": call_request.public_id, "channel_id": "call_requests"}
        if quiet:
            data["quiet"] = "1"
            android["notification"].update(
                channel_id=QUIET_CHANNEL, notification_priority="PRIORITY_LOW", default_sound=False
            )
    return {"message": found}


def send(token, call_request, action, ttl_seconds, quiet=False):
    try:
        found = credentials()
    except Exception as exc:  # the token endpoint: no network, or it refused the key
        log.warning("FCM access token not obtained: %s", str(exc)[:300])
        return providers.network_failure(exc)
    url = f"{settings.PUSH_FCM_URL}/v1/projects/{found.project_id}/messages:send"
    body = message(token, call_request, action, ttl_seconds, quiet)
    try:
        response = providers.client().post(url, json=body, headers={"Authorization": f"Bearer {found.token}"})
    except httpx.HTTPError as exc:
        return providers.network_failure(exc)
    return outcome(response)


def outcome(response):
    """Read as FCM documents its errors: UNREGISTERED (404) or an INVALID_ARGUMENT about the token: the token is dead;
    QUOTA_EXCEEDED (429), UNAVAILABLE (503), INTERNAL (500): retried; 401: the access token is dropped and retried."""
    try:
        found = response.json()
    except ValueError:
        found = {}
    if response.status_code == 200:
        return Outcome(SENT, 200, str(found.get("name", ""))[:300])
    error = found.get("error") if isinstance(found.get("error"), dict) else {}
    details = error.get("details") if isinstance(error.get("details"), list) else []
    codes = {detail.get("errorCode") for detail in details if isinstance(detail, dict)}
    status = error.get("status") or ""
    answer = " ".join(filter(None, [status, *sorted(c for c in codes if c)]))[:300] or f"HTTP {response.status_code}"
    if response.status_code == 404 or "UNREGISTERED" in codes:
        return Outcome(DEAD, response.status_code, answer)
    if response.status_code == 400 and _names_the_token(error, details):
        return Outcome(DEAD, response.status_code, answer)
    if response.status_code == 401:
        with _lock:
            _credentials.clear()
        return Outcome(providers.RETRY, 401, answer)
    return providers.transient(response, answer)


def _names_the_token(error, details):
    violations = [
        violation
        for detail in details
        if isinstance(detail, dict)
        for violation in detail.get("fieldViolations", [])
        if isinstance(violation, dict)
    ]
    if any(violation.get("field") == "message.token" for violation in violations):
        return True
    return "registration token" in json.dumps(error.get("message", "")).lower()
