"""The token list in a browser: at 390 px each token is a card whose state, name, host and "Manage" are on screen."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser
LONG_HOST = "*.shop-with-a-rather-long-name.example.com"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_shows_every_token_within_the_screen(page, live_server, developer, staff, language, width):
    ApiToken.issue(developer, "Shop", LONG_HOST)
    suspended, _ = ApiToken.issue(developer, "Blog", "blog.example")
    suspended.suspend("Too many failed requests", actor=staff)
    page.set_viewport_size({"width": width, "height": 844})
    sign_in_browser(page.context, developer, live_server, language=language)
    page.goto(reverse("accounts:token_list"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"token-list-{language}-{width}.png", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") == width
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("element => element.scrollWidth <= element.clientWidth")  # no sideways scrolling inside
    for row in page.locator(".token-table tbody tr").all():
        for part in ("td.token-name a", "td.token-state .badge", "td.token-host code", "td.links a >> nth=0"):
            box = row.locator(part).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, part
    header_height = page.locator(".token-table thead").evaluate("element => element.getBoundingClientRect().height")
    assert (header_height > 1) == (width == 1280)  # column headings on a wide screen, labels in the cards on a phone
