"""The shared layout: wide tables scroll inside their wrapper, never the whole page; a two-row header on a phone;
Korean that breaks between words; whole action names."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from api.models import ApiRequestLog
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

LONG_KOREAN_NAME = "우리회사 고객센터 콜백 요청 연동 운영 서버"


@pytest.fixture
def busy_token(developer):
    token, _ = ApiToken.issue(developer, LONG_KOREAN_NAME, "shop.example.co.kr")
    for day in range(30):
        for result, reason in (("success", ""), ("failed", "target number is not registered to callbacknow")):
            ApiRequestLog.objects.create(
                token=token,
                action="callback",
                transport="JSONP",
                result=result,
                reason=reason,
                status=200 if result == "success" else 404,
                client_ip="2001:db8:85a3::8a2e:370:7334",
                referer_host="shop.example.co.kr",
                duration_ms=12,
                created_at=timezone.now() - timedelta(days=day),
            )
    return token


def document_overflow(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_keeps_every_page_within_a_phones_width(page, live_server, developer, issued, busy_token, language):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_browser(page.context, developer, live_server, language=language)
    for path in ("/tokens/", f"/tokens/{busy_token.pk}/log/", "/tester/", "/"):
        page.goto(path)
        scroll_width, viewport = document_overflow(page)
        assert scroll_width == viewport, f"{path} is {scroll_width}px wide on a {viewport}px screen"


def test_it_keeps_a_long_korean_token_name_in_whole_words(page, live_server, developer, busy_token):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_browser(page.context, developer, live_server, language="ko")
    page.goto("/tokens/")
    # Each word whole on its line: the first syllable of every line starts a word (never one syllable per line).
    line_starts = page.locator(".table-wrap td a", has_text=LONG_KOREAN_NAME).evaluate("""a => {
        const text = a.firstChild, starts = [];
        let top = null;
        for (let i = 0; i < text.length; i++) {
            const range = document.createRange();
            range.setStart(text, i); range.setEnd(text, i + 1);
            const rect = range.getBoundingClientRect();
            if (rect.width && (top === null || rect.top > top + 2)) { starts.push(i); top = rect.top; }
        }
        return starts;
    }""")
    word_starts = [0] + [i + 1 for i, ch in enumerate(LONG_KOREAN_NAME) if ch == " "]
    assert set(line_starts) <= set(word_starts), line_starts


def test_it_keeps_the_log_charts_labels_readable_on_a_phone(page, live_server, developer, busy_token):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_browser(page.context, developer, live_server, language="ko")
    page.goto(f"/tokens/{busy_token.pk}/log/")
    sizes = page.eval_on_selector_all(
        "svg.chart text", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )
    assert sizes and min(sizes) >= 10, sizes


def test_it_fits_the_whole_request_log_table_on_a_laptop_screen(page, live_server, developer, busy_token):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_browser(page.context, developer, live_server, language="ko")
    page.goto(f"/tokens/{busy_token.pk}/log/")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "a column of the log is cut off"
    reason = page.locator("td.log-reason").first
    assert reason.evaluate(
        "td => td.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(td).lineHeight)"
    )
    sizes = page.eval_on_selector_all(
        "svg.chart text:visible", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )
    assert 10 <= min(sizes) and max(sizes) <= 18


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
    # On a phone the links may wrap onto a second row (every one stays on the screen: tests/browser/test_nav_fits.py).
    assert rows_of(page, ".nav-links") <= (2 if width == 390 else 1)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    # Every link fits but a developer's in English (seven of them), which scroll in their own line.
    if not signed_in or language == "ko":
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
