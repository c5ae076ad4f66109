"""Browser-journey helpers: a visitor whose every page is photographed, TOTP codes, links out of mail."""

import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


class Visitor:
    """A browser context with its own cookies. snap() photographs the page into test-artifacts/screenshots/;
    the console's Content-Security-Policy violations and script errors are kept in `problems`."""

    def __init__(self, context, prefix):
        self.context, self.prefix, self.count = context, prefix, 0
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems = []
        self.navigated, self.photographed = [], set()
        self.page.on("framenavigated", self._navigated)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: script error {error}"))

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.navigated.append(frame.url)

    def unphotographed(self):
        """Pages the browser showed that no screenshot was taken of."""
        return [url for url in dict.fromkeys(self.navigated) if url not in self.photographed]

    def _console(self, message):
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            self.problems.append(f"{self.page.url}: {message.text}")

    def snap(self, label):
        self.page.wait_for_load_state("load")
        self.count += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{label}.png"
        self.page.screenshot(path=path, full_page=True)
        self.photographed.add(self.page.url)
        return path

    def visit(self, path, label):
        self.page.goto(path)
        self.snap(label)
        return self.page


@pytest.fixture
def visitor(chromium, live_server, request, settings):
    """visitor(name, locale="en-US"): a fresh browser context on the live server."""
    settings.API_BASE_URL = live_server.url  # the test page sends to this live server, as production configures it
    contexts, visitors = [], []
    test = re.sub(r"^test_it_", "", request.node.name)

    def make(name, locale="en-US"):
        context = chromium.new_context(locale=locale, base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        visitors.append(Visitor(context, f"{test}-{name}"))
        return visitors[-1]

    yield make
    missed = {visitor.prefix: visitor.unphotographed() for visitor in visitors if visitor.unphotographed()}
    for context in contexts:
        context.close()
    assert not missed, f"pages visited without a screenshot: {missed}"


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


def link_in_mail(outbox, to, pattern=r"https?://\S+"):
    """The first link in the last mail sent to this address."""
    mails = [mail for mail in outbox if to in mail.to]
    assert mails, f"no mail to {to} (sent: {[mail.subject for mail in outbox]})"
    return re.search(pattern, mails[-1].body).group(0)
