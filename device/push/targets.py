"""PUT /device/v1/push's body, checked: what kind of push target it is, its secret (the token, or the subscription
as JSON) and how it is shown, masked. Raises DeviceApiError with a clear reason otherwise."""

import base64
import binascii
import json
import re

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from device import reasons
from device.auth import DeviceApiError
from device.models import PushTarget
from webhooks import sender

FCM_TOKEN = re.compile(r"[A-Za-z0-9_:\-]{20,4096}")
APNS_TOKEN = re.compile(r"(?:[0-9a-fA-F]{2}){32,100}")
MAX_ENDPOINT_LENGTH = 2000


def parse(body):
    """(kind, secret, shown, environment) of a request body."""
    try:
        found = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        found = None
    if not isinstance(found, dict) or found.get("kind") not in PushTarget.Kind.values:
        raise DeviceApiError(reasons.PUSH_BODY)
    return {"fcm": _fcm, "apns": _apns, "webpush": _webpush}[found["kind"]](found)


def masked(text):
    return f"…{text[-4:]}"


def _fcm(found):
    token = found.get("token")
    if not isinstance(token, str) or not FCM_TOKEN.fullmatch(token):
        raise DeviceApiError(reasons.PUSH_FCM_TOKEN)
    return PushTarget.Kind.FCM, token, masked(token), ""


def _apns(found):
    token = found.get("token")
    if not isinstance(token, str) or not APNS_TOKEN.fullmatch(token):
        raise DeviceApiError(reasons.PUSH_APNS_TOKEN)
    if found.get("environment") not in ("production", "sandbox"):
        raise DeviceApiError(reasons.PUSH_APNS_ENVIRONMENT)
    return PushTarget.Kind.APNS, token.lower(), masked(token.lower()), found["environment"]


def _webpush(found):
    subscription = found.get("subscription")
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise DeviceApiError(reasons.PUSH_SUBSCRIPTION)
    host = _checked_endpoint(endpoint)
    p256dh, auth = _key_bytes(keys.get("p256dh")), _key_bytes(keys.get("auth"))
    if p256dh is None or auth is None or len(auth) != 16 or not _is_p256_point(p256dh):
        raise DeviceApiError(reasons.PUSH_KEYS)
    secret = json.dumps({"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}})
    shown = f"{host if len(host) <= 80 else host[:79] + '…'} {masked(endpoint)}"  # fits PushTarget.shown
    return PushTarget.Kind.WEBPUSH, secret, shown, ""


def _checked_endpoint(endpoint):
    """The endpoint's host, once it passed the webhook URLs' rules: https always, and (unless private URLs are
    allowed, as in development) a host that resolves to public addresses only."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH or not endpoint.startswith("https://") or "#" in endpoint:
        raise DeviceApiError(reasons.PUSH_ENDPOINT_HTTPS)
    try:
        parts = sender.check_url(endpoint)
    except sender.RefusedURL:
        raise DeviceApiError(reasons.PUSH_ENDPOINT_HTTPS) from None
    try:
        sender.resolve(parts, settings.WEBHOOK_ALLOW_PRIVATE_URLS)
    except sender.RefusedURL:
        raise DeviceApiError(reasons.PUSH_ENDPOINT_ADDRESS) from None
    return parts.hostname


def _key_bytes(value):
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+=*", value):
        return None
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_p256_point(raw):
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return len(raw) == 65
