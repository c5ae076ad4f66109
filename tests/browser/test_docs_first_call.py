"""The docs page's first call in three steps, on a phone (390 px) and a laptop (1280 px), in Korean and English: at
the top, leading a stranger to sign-up and the test token, and for a developer carrying their test token so that the
command runs as copied; the sections lettered A, B, C… without a gap; the GET template in the reader's language."""

import re
import string

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken
from api import demo, testmode
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
HEADING = {"en": "Your first call in three steps", "ko": "세 단계로 해 보는 첫 호출"}
GET_TEMPLATE = {
    "en": "/<token>/<action>/<my number>/<my country code>/<target number>/<target country code>/<message>",
    "ko": "/<토큰>/<동작>/<내 번호>/<내 국가 코드>/<상대방 번호>/<상대방 국가 코드>/<메시지>",
}
ANSWERING = testmode.OUTCOMES[0].national_number


def within(page, selector, width):
    box = page.locator(selector).bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= width


def section_letters(page):
    """The letter of each section heading after the contents, in page order (None for an unlettered one)."""
    headings = page.locator("main .toc ~ section[id] > h2").all_inner_texts()
    return [match.group(1) if (match := re.match(r"([A-Z])\. ", text)) else None for text in headings]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_leads_a_stranger_through_a_first_call_at_the_top(visitor, size, language):
    me = visitor(f"{size}-{language}", locale=language)
    me.page.set_viewport_size(SIZES[size])
    page = me.visit("/", "docs")
    me.snap("top", full_page=False)
    width = SIZES[size]["width"]

    first = page.locator("#first-call")
    expect(first.get_by_role("heading")).to_have_text(HEADING[language])
    assert page.locator("main > *").nth(1).get_attribute("id") == "first-call"  # right under the title
    steps = first.locator(".first-call-steps > li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0).get_by_role("link")).to_have_attribute("href", "/accounts/signup/")
    expect(steps.nth(1).get_by_role("link")).to_have_attribute("href", "/tokens/?mode=test")
    command = page.locator("#first-call-code").inner_text()
    assert re.fullmatch(
        rf"curl '{re.escape(page.url.rstrip('/'))}/YOUR_TOKEN/callback/\S+/{ANSWERING}/kr/\S+'", command
    )
    assert within(page, "#first-call", width) and within(page, "#first-call-code", width)
    assert page.evaluate("document.documentElement.scrollWidth") == width

    letters = section_letters(page)
    assert None not in letters, "a section without its letter"
    assert letters == list(string.ascii_uppercase[: len(letters)])
    toc = page.locator(".toc li a[href^='#']").all_inner_texts()
    assert [text[0] for text in toc] == letters
    assert page.locator("#get pre.url-template").inner_text().endswith(GET_TEMPLATE[language])

    steps.nth(1).get_by_role("link").click()  # signed out: the sign-in page, then the test tab
    page.wait_for_url("**/accounts/login/**")
    me.snap("sign-in-for-the-test-token")
    assert "next=/tokens/%3Fmode%3Dtest" in page.url
    assert not me.problems


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_gives_a_developer_a_first_call_that_runs_as_copied(visitor, live_server, developer, language):
    demo.load(None)
    token = ApiToken.test_token_for(developer)
    me = visitor(f"developer-{language}", locale=language)
    me.context.grant_permissions(["clipboard-read", "clipboard-write"])
    me.page.set_viewport_size(SIZES["phone"])
    sign_in_browser(me.context, developer, live_server, language=language)
    page = me.visit("/", "docs")
    me.snap("top", full_page=False)

    expect(page.locator("#first-call .first-call-steps > li.done")).to_have_count(2)
    command = page.locator("#first-call-code").inner_text()
    assert token.secret in command and "YOUR_TOKEN" not in command
    page.locator("#first-call").get_by_role("button").click()  # the copy button
    assert page.evaluate("navigator.clipboard.readText()") == command
    url = re.fullmatch(r"curl '(\S+)'", command).group(1)
    assert page.request.get(url).json() == {
        "result": "success",
        "opname": "CallbackNow test",
        "iso": "kr",
        "phone_number": ANSWERING,
    }
    assert not me.problems
