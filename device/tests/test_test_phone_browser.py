"""A developer's test phone open in two browsers at once (headless Chromium, two browser contexts), in Korean and
English: both ring and stay in step; a browser pushed out by later ones says what happened and how to get back."""

import re

import pytest
import requests
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import ApiToken
from api.models import CallRequest, Subscriber
from device.pages import TEST_PHONE_BROWSERS
from tests.helpers import ROOT, sign_in_browser

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WORDS = {
    "en": {
        "connected": "Connected",
        "closed": "This test phone was closed here: it was opened in other browsers since",
        "again": "Open it again from Test mode.",
        "seen": "Seen",
        "deleted": "This test phone was deleted.",
        "create": "Create another in Test mode.",
    },
    "ko": {
        "connected": "연결됨",
        "closed": "이 테스트 폰은 여기서 닫혔습니다.",
        "again": "테스트 모드에서 다시 여세요.",
        "seen": "확인함",
        "deleted": "이 테스트 폰은 삭제되었습니다.",
        "create": "테스트 모드에서 새로 만드세요.",
    },
}


def browser(chromium, live_server, developer, language, viewport):
    """A browser of the developer's, signed in: a context with cookies and storage of its own."""
    context = chromium.new_context(locale="en-US", base_url=live_server.url, viewport=viewport)
    sign_in_browser(context, developer, live_server, language=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def snap(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"test-phone-{name}.png", full_page=True)


def open_from_test_mode(page, phone, words):
    page.goto(reverse("testmode:overview"))
    page.locator(f'form[action="{reverse("testmode:open_phone", args=[phone.pk])}"] button').click()
    expect(page.locator("#phone-status")).to_contain_text(words["connected"])
    expect(page.locator("#phone-owner-test")).to_be_visible()


def send_callback(live_server, phone, message):
    token = ApiToken.objects.test().get()
    url = f"{live_server.url}/{token.secret}/callback/01010041004/kr/{phone.national_number}/kr/{message}"
    response = requests.get(url, timeout=10)
    assert response.json()["result"] == "success", response.text
    return response.headers["X-Call-Request-Id"]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_keeps_a_test_phone_open_in_two_browsers_and_says_how_to_get_back(
    chromium, live_server, developer, language
):
    words = WORDS[language]
    phone = Subscriber.create_test_phone(developer)
    ApiToken.test_token_for(developer)
    laptop = browser(chromium, live_server, developer, language, {"width": 1280, "height": 900})
    handset = browser(chromium, live_server, developer, language, {"width": 390, "height": 844})
    open_from_test_mode(laptop, phone, words)
    open_from_test_mode(handset, phone, words)

    call_request_id = send_callback(live_server, phone, "both ring")

    for page in (laptop, handset):
        expect(page.locator(f"#{call_request_id}")).to_be_visible(timeout=2_000)
    snap(laptop, f"{language}-laptop-rings")
    snap(handset, f"{language}-handset-rings")
    handset.locator(f'#{call_request_id} [data-action="seen"]').click()
    expect(laptop.locator(f"#{call_request_id}")).to_have_attribute("data-state", "seen")  # in step, no reload
    expect(laptop.locator(f"#{call_request_id} [data-slot=state]")).to_have_text(words["seen"])
    snap(laptop, f"{language}-laptop-in-step")

    for _ in range(TEST_PHONE_BROWSERS - 1):  # more browsers open it: the laptop opened it longest ago
        other = Client()
        other.force_login(developer)
        other.post(reverse("testmode:open_phone", args=[phone.pk]))

    refusal = laptop.locator("#id_key_error")
    expect(refusal).to_contain_text(words["closed"], timeout=10_000)
    expect(refusal).not_to_contain_text(re.compile("staff|담당자"))
    snap(laptop, f"{language}-laptop-closed")
    expect(handset.locator("#phone-status")).to_contain_text(words["connected"])
    assert handset.locator("#phone-screen").is_visible()

    refusal.get_by_role("link", name=words["again"]).click()
    expect(laptop).to_have_url(re.compile(reverse("testmode:overview") + "$"))
    open_from_test_mode(laptop, phone, words)
    expect(laptop.locator(f"#{call_request_id}")).to_have_attribute("data-state", "seen")
    snap(laptop, f"{language}-laptop-back")
    assert CallRequest.objects.get(public_id=call_request_id).state == "seen"
    assert not laptop.problems and not handset.problems
    for page in (laptop, handset):
        page.context.close()


def test_it_keeps_a_tab_open_when_another_tab_of_the_same_browser_opens_the_phone_again(
    chromium, live_server, developer
):
    words = WORDS["en"]
    phone = Subscriber.create_test_phone(developer)
    ApiToken.test_token_for(developer)
    first_tab = browser(chromium, live_server, developer, "en", {"width": 1280, "height": 900})
    open_from_test_mode(first_tab, phone, words)
    second_tab = first_tab.context.new_page()

    open_from_test_mode(second_tab, phone, words)  # this browser's key is replaced: the first tab takes the new one

    call_request_id = send_callback(live_server, phone, "both tabs ring")
    for page in (first_tab, second_tab):
        expect(page.locator(f"#{call_request_id}")).to_be_visible(timeout=10_000)
        expect(page.locator("#phone-status")).to_contain_text(words["connected"])
    snap(first_tab, "en-first-tab-follows")
    assert not first_tab.locator("#id_key_error").is_visible()
    assert not first_tab.problems
    first_tab.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_says_a_deleted_test_phone_was_deleted(chromium, live_server, developer, language):
    words = WORDS[language]
    phone = Subscriber.create_test_phone(developer)
    page = browser(chromium, live_server, developer, language, {"width": 390, "height": 844})
    open_from_test_mode(page, phone, words)
    page.goto(reverse("testmode:overview"))

    page.locator(f'form[action="{reverse("testmode:delete_phone", args=[phone.pk])}"] button').click()
    page.goto(reverse("phone:phone"))

    refusal = page.locator("#id_key_error")
    expect(refusal).to_contain_text(words["deleted"])
    expect(refusal.get_by_role("link", name=words["create"])).to_have_attribute("href", reverse("testmode:overview"))
    expect(page.locator(".messages")).to_have_count(0)  # no word of an unknown key
    snap(page, f"{language}-deleted")
    assert not page.problems
    page.context.close()
