"""The token admin's list in a browser at 1280 px: every column within the screen, in Korean and English."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_fits_the_token_list_into_1280_px(page, live_server, developer, staff, language):
    token, _ = ApiToken.issue(developer, "A shop with a longer name", "*.shop-with-a-long-name.example.com")
    ApiToken.objects.filter(pk=token.pk).update(last_used_ip="203.0.113.9")
    token.record_use("203.0.113.9")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_browser(page.context, staff, live_server, language=language)
    page.goto(reverse("admin:accounts_apitoken_changelist"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-token-list-{language}-1280.png", full_page=True)
    results = page.locator("#changelist .results")
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    last = page.locator("#result_list tbody tr td").last.bounding_box()
    assert last["x"] + last["width"] <= 1280
