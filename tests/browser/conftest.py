"""The browser journeys' fixture: a visitor whose every page is photographed."""

import re

import pytest

from tests.helpers import ROOT

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

    def snap(self, label, full_page=True):
        """full_page=False photographs the window only (a page tens of thousands of pixels long, as Redoc's)."""
        self.page.wait_for_load_state("load")
        self.count += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{label}.png"
        self.page.screenshot(path=path, full_page=full_page)
        self.photographed.add(self.page.url)
        return path

    def visit(self, path, label, full_page=True):
        self.page.goto(path)
        self.snap(label, full_page)
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
