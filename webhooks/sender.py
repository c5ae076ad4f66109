"""Sends one webhook request to a developer's URL, safely: a time budget, no redirects, a capped body, and
unless allowed, no address on the loopback, private, link-local or metadata ranges — connecting to the very
address that was checked, so a second DNS answer cannot point the request elsewhere."""

import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings

from lib.addresses import forbidden_address

USER_AGENT = "CallbackNow-Webhooks/1.0"
EXCERPT_BYTES = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}


class RefusedURL(ValueError):
    """The URL may not receive webhooks here; str() says why, in English, for the delivery log; code names the
    reason for the pages, which say it in the reader's language."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


@dataclass
class Result:
    status: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def succeeded(self):
        return self.status is not None and 200 <= self.status < 300


def check_url(url, allow_private=None):
    """Raises RefusedURL unless url is one a webhook may go to: https (or http where private URLs are allowed)."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_URLS if allow_private is None else allow_private
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise RefusedURL("not a URL", "invalid") from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise RefusedURL("not an http(s) URL with a host", "scheme")
    if parts.username or parts.password:
        raise RefusedURL("credentials in the URL", "credentials")
    if parts.scheme == "http" and not allow_private:
        raise RefusedURL("https required", "https_required")
    return parts


def resolve(parts, allow_private):
    """The address to connect to: the first the host resolves to, after checking every one of them."""
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedURL(f"host does not resolve: {exc}", "unresolved") from exc
    addresses = [info[4][0] for info in infos]
    if not allow_private and any(forbidden_address(address) for address in addresses):
        raise RefusedURL("address in a private, loopback, link-local or reserved range", "private")
    return addresses[0], port


def post(url, body, headers, allow_private=None, timeout=None):
    """POSTs body to url; never raises for the network. Result: status, the first 2 KB of the answer, the error."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_URLS if allow_private is None else allow_private
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS if timeout is None else timeout
    started = time.monotonic()
    result = Result()
    try:
        parts = check_url(url, allow_private)
        address, port = resolve(parts, allow_private)
        _send(result, parts, address, port, body, headers, started + timeout)
    except RefusedURL as exc:
        result.error = f"refused: {exc}"
    except TimeoutError:
        result.error = f"timed out after {timeout:g} s"
    except (urllib3.exceptions.HTTPError, OSError, ssl.SSLError) as exc:
        result.error = _describe(exc, timeout)
    result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


def _send(result, parts, address, port, body, headers, deadline):
    remaining = max(0.1, deadline - time.monotonic())
    options = {"timeout": urllib3.Timeout(total=remaining), "retries": False, "maxsize": 1}
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent_headers = {
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        **headers,
    }
    try:
        response = pool.urlopen(
            "POST", path, body=body.encode("utf-8"), headers=sent_headers, redirect=False, preload_content=False
        )
        try:
            result.status = response.status
            result.excerpt = _read_excerpt(response, deadline)
            if 300 <= response.status < 400:
                result.error = f"redirect to {response.headers.get('Location', '?')[:200]} not followed"
            elif not result.succeeded:
                result.error = f"HTTP {response.status}"
        finally:
            response.release_conn()
            response.close()
    finally:
        pool.close()


def _read_excerpt(response, deadline):
    """The first 2 KB of the body; the rest, up to a cap, is read and dropped so that the time budget holds."""
    kept, read = bytearray(), 0
    for chunk in response.stream(8192, decode_content=False):
        if len(kept) < EXCERPT_BYTES:
            kept += chunk[: EXCERPT_BYTES - len(kept)]
        read += len(chunk)
        if read >= settings.WEBHOOK_MAX_RESPONSE_BYTES or time.monotonic() > deadline:
            break  # a receiver's long or slow answer ends here; the status already counts
    return kept.decode("utf-8", "replace")


def _describe(exc, timeout):
    text = str(exc)
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # a refusal, though urllib3 files it under timeouts
        return f"connection failed: {text[:200]}"
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return f"timed out after {timeout:g} s"
    if isinstance(exc, urllib3.exceptions.SSLError | ssl.SSLError):
        return f"TLS error: {text[:200]}"
    return f"connection failed: {text[:200]}"
