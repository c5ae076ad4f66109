"""A token's page in a browser: rolling asks for a tick first, and after the password the address bar names the page
the developer is on (never /accounts/reauthenticate/), at 390 and 1280 px, in Korean and English."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser
BUTTONS = {
    "en": {"reveal": "Reveal", "roll": "Roll the token", "tick": "I understand"},
    "ko": {"reveal": "전체 보기", "roll": "토큰 재발급", "tick": "기존 토큰이 멈추기 전에"},
}


def snap(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def confirm_password(page, password):
    assert "/accounts/reauthenticate/" in page.url
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_reveals_under_the_token_s_own_address(page, live_server, developer, issued, password, language, width):
    token, plaintext = issued
    page.set_viewport_size({"width": width, "height": 844})
    sign_in_browser(page.context, developer, live_server, language=language)
    page.goto(reverse("accounts:token_detail", args=[token.pk]))
    page.get_by_role("button", name=BUTTONS[language]["reveal"], exact=True).click()
    confirm_password(page, password)
    snap(page, f"token-revealed-{language}-{width}")
    assert page.url == live_server.url + reverse("accounts:token_reveal", args=[token.pk])
    assert plaintext in page.locator(".secret-box").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_it_rolls_only_once_the_developer_ticks_the_box(
    page, live_server, developer, issued, password, language, width
):
    token, old = issued
    page.set_viewport_size({"width": width, "height": 844})
    sign_in_browser(page.context, developer, live_server, language=language)
    detail = reverse("accounts:token_detail", args=[token.pk])
    page.goto(detail)
    roll = page.get_by_role("button", name=BUTTONS[language]["roll"])
    roll.scroll_into_view_if_needed()
    roll.click()  # the required box stops the form here, before the password is even asked
    assert page.url == live_server.url + detail
    snap(page, f"token-roll-unticked-{language}-{width}")
    tick = page.get_by_role("checkbox", name=re.compile("^" + BUTTONS[language]["tick"]))
    box = tick.bounding_box()
    assert box and box["x"] + box["width"] <= width
    tick.check()
    roll.click()
    confirm_password(page, password)
    snap(page, f"token-rolled-{language}-{width}")
    assert page.url == live_server.url + reverse("accounts:token_issued", args=[token.pk])
    token.refresh_from_db()
    assert token.events.filter(kind="rolled").count() == 1
