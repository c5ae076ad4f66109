"""Helpers for the accounts tests: reading the shown-once token, re-authenticating, TOTP codes."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.urls import reverse

SECRET_ON_PAGE = re.compile(r'<code id="token-secret">([^<]+)</code>')


def secret_on_page(response):
    """The full token a page shows, or None."""
    match = SECRET_ON_PAGE.search(response.content.decode())
    return match.group(1) if match else None


def reauthenticate(client, password, next_url):
    """Confirms the password on allauth's re-authentication page, as a developer would after a redirect."""
    return client.post(reverse("account_reauthenticate") + f"?next={next_url}", {"password": password})


def totp_code(secret, at=None):
    """RFC 6238 code (SHA-1, 30 s, 6 digits) — what an authenticator app shows."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"
