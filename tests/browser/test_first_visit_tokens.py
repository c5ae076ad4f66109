"""A newcomer's first visit after confirming the address, on a phone (390 px) and a laptop (1280 px), in Korean and
English: the token list opens on the test tab, where the test token that confirming issued waits, and says so; the
live tab is one click away. A developer who holds a live token still lands on it."""

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken
from tests.helpers import link_in_mail, sign_in_browser

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
PASSWORD = "a long and unusual passphrase 9"
READY = {"en": "Your test token is ready below", "ko": "아래의 테스트 토큰이 준비되어 있습니다"}
NO_TOKENS = {"en": "You have no tokens yet", "ko": "아직 토큰이 없습니다"}


def sign_up_and_confirm(me, mailoutbox, email):
    page = me.visit("/accounts/signup/", "sign-up")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/confirm-email/")
    me.snap("verify-your-email")
    page.goto(link_in_mail(mailoutbox, email, r"https?://\S+/accounts/confirm-email/\S+"))
    me.snap("confirm-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/tokens/")
    me.snap("landed")
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_lands_a_newcomer_on_the_test_token_after_confirming(visitor, mailoutbox, size, language):
    me = visitor(f"{size}-{language}", locale=language)
    me.page.set_viewport_size(SIZES[size])
    email = f"newcomer-{size}-{language}@example.com"
    page = sign_up_and_confirm(me, mailoutbox, email)

    test_token = ApiToken.objects.test().get(owner__email=email)
    ready = page.locator("#test-token-ready")
    expect(ready).to_contain_text(READY[language])
    expect(page.locator(".mode-switch a[aria-current=page] .badge-test")).to_be_visible()
    expect(page.locator(".token-table").get_by_text(test_token.masked)).to_be_visible()
    width = SIZES[size]["width"]
    box = ready.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") == width

    ready.get_by_role("link").click()
    page.wait_for_url("**/tokens/?mode=live")
    me.snap("live-tab")
    expect(page.get_by_text(NO_TOKENS[language])).to_be_visible()
    expect(page.locator("#test-token-ready")).to_have_count(0)
    assert not me.problems


def test_it_lands_a_developer_with_a_live_token_on_the_live_tab(visitor, live_server, developer, issued):
    token, _plaintext = issued
    ApiToken.test_token_for(developer)
    me = visitor("with-live-token")
    sign_in_browser(me.context, developer, live_server)
    page = me.visit("/tokens/", "tokens")
    expect(page.locator(".mode-switch a[aria-current=page]")).to_have_text("Live")
    expect(page.get_by_text(token.masked)).to_be_visible()
    expect(page.locator("#test-token-ready")).to_have_count(0)
