"""Web Push (RFC 8030) to a browser's push service: the payload encrypted for the subscription (RFC 8291,
aes128gcm, pywebpush), a VAPID JWT (RFC 8292), TTL the request's remaining life, Urgency high, and a Topic (the
request's ID) so that a later push (the withdrawal) replaces one still waiting at the push service."""

import base64
import json
import threading
from functools import cache
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPusher

from device.push import providers
from device.push.providers import DEAD, FAILED, SENT, Outcome
from webhooks import sender

_lock = threading.Lock()
MAX_ANSWER_BYTES = 64 * 1024


@cache
def _vapid(path):
    return Vapid.from_file(private_key_file=path)


def vapid():
    return _vapid(settings.PUSH_VAPID_PRIVATE_KEY_FILE)


def public_key():
    """The VAPID public key, base64url: a page subscribes with it as applicationServerKey. None when off."""
    if not providers.channels()["webpush"]:
        return None
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def payload(call_request, action, quiet=False):
    """What the service worker (device/static/device/sw.js) reads; "silent": true in quiet hours, which it passes
    to showNotification (no sound, no vibration)."""
    found = {"call_request_id": call_request.public_id, "action": action}
    if action == "send":
        found.update(title=call_request.requester_number, body=call_request.message)
        if quiet:
            found["silent"] = True
    return json.dumps(found, ensure_ascii=False).encode()


def send(subscription_json, call_request, action, ttl_seconds, quiet=False):
    subscription = json.loads(subscription_json)
    endpoint = subscription["endpoint"]
    try:  # the webhook URLs' address rules, again: the host may resolve elsewhere since it was registered
        address, port = sender.resolve(sender.check_url(endpoint), settings.WEBHOOK_ALLOW_PRIVATE_URLS)
    except sender.RefusedURL as refused:
        return Outcome(FAILED, None, f"refused: {refused}")
    parts = urlsplit(endpoint)
    # Sent to the address just checked, never to a second resolution of the name (DNS rebinding): the TLS handshake
    # and the Host header still name the push service's host.
    pinned = parts._replace(netloc=f"[{address}]:{port}" if ":" in address else f"{address}:{port}").geturl()
    with _lock:  # py_vapid's signing is not documented as thread-safe
        vapid_headers = vapid().sign({"sub": settings.PUSH_VAPID_SUBJECT, "aud": f"{parts.scheme}://{parts.netloc}"})
    urgency = "normal" if quiet else "high"  # RFC 8030: normal is not delivered to a device on battery saving
    headers = {**vapid_headers, "Urgency": urgency, "Topic": call_request.public_id}
    found = payload(call_request, action, quiet)
    prepared = WebPusher(subscription)._prepare_send_data(found, headers, ttl=ttl_seconds)
    try:  # the endpoint is the browser's push service, named by the phone: its answer is read up to a cap
        request = providers.client().build_request(
            "POST",
            pinned,
            content=prepared["data"],
            headers={**dict(prepared["headers"]), "Host": parts.netloc},
            extensions={"sni_hostname": parts.hostname},
        )
        response = providers.client().send(request, stream=True)
        try:
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read > MAX_ANSWER_BYTES:
                    break
        finally:
            response.close()
    except httpx.HTTPError as exc:
        return providers.network_failure(exc)
    return outcome(response)


def outcome(response):
    """201 Created (its Location names the message); 404 or 410: the subscription expired or was unsubscribed;
    429 and 5xx: retried."""
    if response.status_code in (200, 201, 202):
        return Outcome(SENT, response.status_code, response.headers.get("location", "")[-120:])
    answer = f"HTTP {response.status_code}"
    if response.status_code in (404, 410):
        return Outcome(DEAD, response.status_code, answer)
    return providers.transient(response, answer)
