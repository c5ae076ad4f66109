"""What the three channels have in common: the HTTP clients (HTTP/2 for APNs), a provider's answer read as an
Outcome, and which channels have their credentials."""

import email.utils
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from django.conf import settings

SENT, DEAD, RETRY, FAILED = "sent", "dead", "retry", "failed"
_clients = {}
_lock = threading.Lock()


@dataclass
class Outcome:
    """A push attempt's result: SENT (answer: the provider's message ID), DEAD (the target no longer exists: it is
    removed), RETRY (429 or 5xx: try again, not before retry_after seconds if the provider said) or FAILED."""

    outcome: str
    status: int | None = None
    answer: str = ""
    retry_after: float | None = None


def client(http2=False):
    """A client with its connections kept alive (an APNs connection serves many pushes): one per process for
    HTTP/1.1, one per thread for HTTP/2, whose connection httpx does not share safely between threads (its header
    compression table was seen mutated by two worker threads at once: bench/README.md, Pushes)."""
    key = (http2, threading.get_ident() if http2 else None, settings.PUSH_CA_BUNDLE, settings.PUSH_TIMEOUT_SECONDS)
    with _lock:
        if key not in _clients:
            _clients[key] = httpx.Client(
                http2=http2,
                http1=not http2,
                verify=ssl.create_default_context(cafile=settings.PUSH_CA_BUNDLE) if settings.PUSH_CA_BUNDLE else True,
                timeout=settings.PUSH_TIMEOUT_SECONDS,
                follow_redirects=False,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return _clients[key]


def retry_after(response):
    """Retry-After in seconds (a number, or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def transient(response, answer):
    """A 429 or 5xx: RETRY, with the provider's Retry-After; any other failure is FAILED."""
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome(RETRY, response.status_code, answer, retry_after(response))
    return Outcome(FAILED, response.status_code, answer)


def network_failure(exc):
    return Outcome(RETRY, None, f"{type(exc).__name__}: connection failed or timed out")


def channels():
    """{channel: whether it has its credentials}: a channel without them sends nothing."""
    return {
        "fcm": bool(settings.PUSH_FCM_SERVICE_ACCOUNT_FILE),
        "apns": all(
            [
                settings.PUSH_APNS_KEY_FILE,
                settings.PUSH_APNS_KEY_ID,
                settings.PUSH_APNS_TEAM_ID,
                settings.PUSH_APNS_TOPIC,
            ]
        ),
        "webpush": bool(settings.PUSH_VAPID_PRIVATE_KEY_FILE and settings.PUSH_VAPID_SUBJECT),
    }
