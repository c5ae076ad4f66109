"""The API reference (/reference/): Redoc renders /openapi.json under the page's own Content-Security-Policy, in
Korean and English, on a desktop and a phone; calls are tried on the test page, not from the reference."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CALLBACK = "Send a call request to a phone number"
CANCEL = "Withdraw a call request sent to a phone number"
CHROME = {
    "en": ("API reference", "Request samples", "test page"),
    "ko": ("API 레퍼런스", "요청 예제", "테스트 페이지"),
}


@pytest.mark.parametrize("language, locale", [("en", "en-US"), ("ko", "ko-KR")])
def test_it_renders_every_operation_without_a_policy_violation(visitor, language, locale):
    heading, request_samples, test_page = CHROME[language]
    me = visitor(language, locale=locale)
    for width in (1280, 390):
        me.page.set_viewport_size({"width": width, "height": 900})
        page = me.page
        page.goto("/reference/")
        for summary in (
            CALLBACK,
            CANCEL,
            "The subscriber's open call requests, newest first; pending ones become delivered",
        ):
            expect(page.locator("#redoc h2", has_text=summary).first).to_be_visible()
        me.snap(f"{width}")

        expect(page.locator("#reference-heading")).to_have_text(heading)
        expect(page.locator("#redoc").get_by_text(request_samples, exact=True).first).to_be_attached()
        expect(page.locator("#reference-try").get_by_role("link", name=test_page)).to_have_attribute("href", "/tester/")
        assert page.get_by_role("button", name=re.compile(r"\btry\b", re.I)).count() == 0  # no "try it" from this page
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert me.problems == []


def test_it_is_linked_from_the_docs_page(visitor):
    me = visitor("from-docs")
    page = me.visit("/", "docs")
    page.get_by_role("link", name="API reference", exact=True).click()
    expect(page.locator("#redoc h2", has_text=CALLBACK).first).to_be_visible()
    me.snap("reference")
    assert page.url.endswith("/reference/")
    assert me.problems == []
