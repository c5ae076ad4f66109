"""Switching language: Korean and English on every kind of page, chosen by the browser or the switcher, remembered."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PAGES = [("/", "docs"), ("/tester/", "test-page"), ("/accounts/login/", "sign-in"), ("/accounts/signup/", "sign-up")]


def assert_in_language(page, code):
    expect(page.locator("html")).to_have_attribute("lang", code)
    navigation = page.get_by_role("navigation").first  # the layout's menu: the docs page links the test page too
    expect(
        navigation.get_by_role("link", name="테스트 페이지" if code == "ko" else "Test page", exact=True)
    ).to_be_visible()
    if code == "ko":
        assert HANGUL.search(page.title()), f"{page.url}: the title {page.title()!r} is not in Korean"


def test_it_switches_to_korean_and_back_and_remembers_the_choice(visitor):
    me = visitor("visitor")
    page = me.visit("/", "docs-en")
    assert_in_language(page, "en")

    page.get_by_label("Language").select_option("ko")
    page.wait_for_url("**/")
    me.snap("docs-ko")
    assert_in_language(page, "ko")
    for path, name in PAGES[1:]:
        me.visit(path, f"{name}-ko")
        assert_in_language(page, "ko")

    page.get_by_label(re.compile("언어|Language")).select_option("en")
    page.wait_for_load_state("load")
    me.snap("sign-up-en-again")
    assert_in_language(page, "en")
    me.visit("/tester/", "test-page-en-again")
    assert_in_language(page, "en")
    assert me.problems == []


def test_it_answers_in_korean_to_a_korean_browser(visitor):
    me = visitor("korean-browser", locale="ko-KR")
    for path, name in PAGES:
        page = me.visit(path, name)
        assert_in_language(page, "ko")
    assert me.problems == []


def test_it_shows_a_signed_in_developers_pages_in_korean(visitor, developer, issued, live_server):
    token, _plaintext = issued
    me = visitor("developer-ko", locale="ko-KR")
    sign_in_browser(me.context, developer, live_server)
    pages = [
        ("/tokens/", "my-tokens"),
        (f"/tokens/{token.pk}/", "token"),
        (reverse("api:token_log", args=[token.pk]), "request-log"),
        ("/tokens/apply/", "apply"),
        ("/tester/", "test-page"),
        ("/accounts/email/", "account-email"),
        ("/accounts/2fa/", "two-factor"),
    ]
    for path, name in pages:
        page = me.visit(path, name)
        assert_in_language(page, "ko")
    assert me.problems == []
