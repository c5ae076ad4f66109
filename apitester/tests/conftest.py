"""Fixtures of the test page's tests: the API on a live server, the demo target, a recorder of outgoing URLs."""

import re
from html import unescape

import pytest
import requests

from api import demo
from api.models import Subscriber


@pytest.fixture(autouse=True)
def _fast_and_unlimited(settings):
    """Hash passwords quickly and lift the per-token rate limit: these tests send many calls a minute."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000


@pytest.fixture
def target(db):
    """The seed's demo target (01011111111/kr, ID airpagephone), registered as the demo data does."""
    demo.load(None)
    return Subscriber.objects.get(public_id="airpagephone")


@pytest.fixture
def api_on_live_server(settings, live_server):
    """The test page sends to the live server's API over real HTTP."""
    settings.API_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def sent_urls(monkeypatch):
    """Every URL the server's requests really send (recorded, not faked: the request still goes out)."""
    urls = []
    original = requests.Session.send

    def recording_send(self, prepared, **kwargs):
        urls.append(prepared.url)
        return original(self, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording_send)
    return urls


def form_data(**overrides):
    """The test page's form as a developer fills it in for the seed's callback example."""
    data = {
        "action": "callback",
        "transport": "get",
        "my_number": "01010041004",
        "my_country": "kr",
        "target_number": "01011111111",
        "target_country": "kr",
        "target_id": "airpagephone",
        "message": "hello world",
        "callback": "mycallbackfunction",
    }
    data.update(overrides)
    return data


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
