"""The shared layout in a browser: a two-row header on a phone, Korean that breaks between words, whole action names."""

import pytest
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser


def snap(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


ROWS = """element => {
  const boxes = [...element.children].map(child => child.getBoundingClientRect()).filter(box => box.height > 0);
  boxes.sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const box of boxes) { if (box.top >= bottom - 1) { rows += 1; bottom = box.bottom; } else { bottom = Math.max(bottom, box.bottom); } }
  return rows;
}"""


def rows_of(page, selector):
    """How many rows the element's children sit in (a child starts a row when it is below all of the last one)."""
    return page.eval_on_selector(selector, ROWS)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_keeps_the_header_to_two_rows(page, live_server, developer, signed_in, language, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if signed_in:
        sign_in_browser(page.context, developer, live_server, language=language)
    page.goto(reverse("accounts:token_list") if signed_in else "/")
    snap(page, f"header-{'developer' if signed_in else 'visitor'}-{language}-{width}")
    assert rows_of(page, ".nav") <= (2 if width == 390 else 1)
    assert rows_of(page, ".nav-links") == 1
    assert page.evaluate("document.documentElement.scrollWidth") == width
    if not signed_in:  # a visitor's links all fit, "Sign up" included; a developer's may scroll in their own line
        last = page.locator(".nav-links li").last.bounding_box()
        assert last["x"] + last["width"] <= width


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_never_breaks_an_action_name(page, language, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/", wait_until="load")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.reload()
    table = page.locator("table.actions")
    table.scroll_into_view_if_needed()
    snap(page, f"docs-actions-{language}-{width}")
    for name in table.locator("th[scope=row] code").all():
        assert name.evaluate("element => element.getClientRects().length") == 1, name.inner_text()


@pytest.mark.parametrize("width", [390, 1280])
def test_it_breaks_korean_between_words(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/", wait_until="load")
    page.context.add_cookies([{"name": "django_language", "value": "ko", "url": page.url}])
    page.reload()
    snap(page, f"korean-body-{width}")
    assert page.evaluate("getComputedStyle(document.body).wordBreak") == "keep-all"
    page.goto("/", wait_until="load")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).wordBreak") == "normal"
