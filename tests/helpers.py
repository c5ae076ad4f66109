"""What the tests share besides fixtures: the seed's example values, API bodies, reading pages, signing in.

A plain module (fixtures live in the conftest.py files): `from tests.helpers import ...`.
"""

import base64
import hashlib
import hmac
import json
import re
import struct
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from lib.aes import encrypt_field
from lib.phones import normalise

ROOT = Path(__file__).resolve().parents[1]

# The seed's example: the caller, and the demo target that `api.demo` registers.
MY_NUMBER, MY_ISO = "01010041004", "kr"
TARGET_NUMBER, TARGET_ISO, TARGET_ID, OPERATOR = "01011111111", "kr", "airpagephone", "SRTelecom"
SEED_SUCCESS = {"result": "success", "opname": "SRTelecom", "iso": "kr", "phone_number": "01011111111"}
SEED_NOT_REGISTERED = {"result": "failed", "reason": "target number is not registered to callbacknow"}
REQUESTER = normalise(MY_NUMBER, MY_ISO)  # the caller as a call request stores it


# The API's wire.


def now_millis():
    return int(time.time() * 1000)


def seed_body(
    key,
    action="callback",
    msg="hello",
    iso=TARGET_ISO,
    phonenumber=TARGET_NUMBER,
    myiso=MY_ISO,
    myphonenumber=MY_NUMBER,
    mytoken=None,
    foot=None,
):
    """The JSON body the seed's PHP client sends: every field encrypted under the token."""
    fields = {
        "myaction": action,
        "mymsg": msg,
        "iso": iso,
        "phonenumber": phonenumber,
        "myiso": myiso,
        "myphonenumber": myphonenumber,
        "mytoken": key if mytoken is None else mytoken,
        "foot": str(now_millis() if foot is None else foot),
    }
    return json.dumps({name: encrypt_field(key, text) for name, text in fields.items()})


def failed(reason):
    """The API's failure answer for a reason text."""
    return {"result": "failed", "reason": reason}


# The test page.


def form_data(**overrides):
    """The test page's form as a developer fills it in for the seed's callback example."""
    data = {
        "action": "callback",
        "transport": "get",
        "my_number": MY_NUMBER,
        "my_country": MY_ISO,
        "target_number": TARGET_NUMBER,
        "target_country": TARGET_ISO,
        "target_id": TARGET_ID,
        "message": "hello world",
        "callback": "mycallbackfunction",
    }
    data.update(overrides)
    return data


# Reading pages.

SECRET_ON_PAGE = re.compile(r'<code id="token-secret">([^<]+)</code>')


def secret_on_page(response):
    """The full token a page shows, or None."""
    match = SECRET_ON_PAGE.search(response.content.decode())
    return match.group(1) if match else None


def snippet(html, key):
    """The text of a code snippet as the page shows it (what the copy button copies)."""
    match = re.search(
        r'<code id="snippet-code-[\w-]+" class="[^"]*" data-snippet="' + key + r'">(.*?)</code>', html, re.S
    )
    assert match, f"no {key} snippet on the page"
    return unescape(match.group(1))


def element(html, element_id):
    """The text a reader sees in the element with this id: tags stripped, the token masked (not revealed)."""
    match = re.search(r'<(\w+)[^>]*\bid="' + element_id + r'"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    shown = re.sub(r'<span class="secret-full">.*?</span>', "", match.group(2))
    return unescape(re.sub(r"<[^>]+>", "", shown))


def link_in_mail(outbox, to, pattern=r"https?://\S+"):
    """The first link in the last mail sent to this address."""
    mails = [mail for mail in outbox if to in mail.to]
    assert mails, f"no mail to {to} (sent: {[mail.subject for mail in outbox]})"
    return re.search(pattern, mails[-1].body).group(0)


# Signing in.


def reauthenticate(client, password, next_url=None):
    """Confirms the password on allauth's re-authentication page, as a developer does before seeing a secret."""
    url = reverse("account_reauthenticate") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"password": password})


def sign_in_browser(context, user, live_server, password=None, language=None):
    """Signs a browser context in as `user` through a session cookie (no sign-in page); with `password` the
    password is also confirmed (the test page then shows the token), with `language` that language is chosen."""
    client = Client()
    client.force_login(user)
    if password:
        assert reauthenticate(client, password).status_code == 302, "allauth did not accept the password"
    cookies = [
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value},
    ]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    context.add_cookies([dict(cookie, url=live_server.url) for cookie in cookies])


def bearer(plaintext):
    """The test client's header of a phone that sends its device key."""
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def totp(secret, at=None):
    """The RFC 6238 code (SHA-1, 30 s, 6 digits) an authenticator app shows for this base32 secret."""
    if at is None:
        if time.time() % 30 > 27:  # too close to the next step: the server could already be there
            time.sleep(30 - time.time() % 30)
        at = time.time()
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(at // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


# Other processes: production runs, servers on the test database.

# Variables a production run sets itself; whatever the developer's shell holds for them is dropped.
CONTROLLED = (
    "DEBUG",
    "SECRET_KEY",
    "TOKEN_ENCRYPTION_KEY",
    "ALLOWED_HOSTS",
    "API_BASE_URL",
    "SITE_URL",
    "SUPPORT_EMAIL",
    "PUSH_CHANNELS_OFF",
    "REDIS_URL",
    "VAR_DIR",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "EMAIL_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the whole session by the root conftest's browser fixture
)


def url_of_test_database():
    """The URL of the database pytest-django created, for a server in another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}@"
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(env, *args, timeout=60):
    """Runs manage.py in a separate process with this environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
