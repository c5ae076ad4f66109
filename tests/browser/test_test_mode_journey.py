"""Test mode's newcomer journey in headless Chromium, in Korean and English, every page photographed.

Live tokens wait for staff approval here (TOKEN_APPROVAL=manual); test mode must not. A newcomer signs up and
verifies their address; their test token is there at once. They add a webhook endpoint (a real receiver on
127.0.0.1) to it, then send a callback from the test page (in test mode by default) to each magic number and
watch each outcome on the page's timeline, in the status call and at their receiver, signed. Then they create a
test phone, send it a callback, open it with one click and answer it: the test page's timeline shows answered.
A real worker process plays the magic numbers and delivers the webhooks.
"""

import json
import re

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from accounts.models import ApiToken
from api import testmode
from api.models import CallRequest, Subscriber
from tests.helpers import link_in_mail
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.browser

PASSWORD = "a long and unusual passphrase 8"
WORDS = {
    "en": {"locale": "en-US", "answered": "Answered", "test": "Test"},
    "ko": {"locale": "ko-KR", "answered": "응답함", "test": "테스트"},
}
OUTCOMES = {outcome.code: outcome for outcome in testmode.OUTCOMES}
FINAL = {"answered": "answered", "declined": "declined", "unanswered": "expired", "phone_off": "expired"}


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def reached(page, state):
    """The test page's timeline step of this state, once it is reached (it has a time)."""
    return page.locator(f'#followed-timeline li[data-state="{state}"]:not(.timeline-ahead) time')


def sign_up_and_verify(me, email, mailoutbox):
    page = me.visit("/accounts/signup/", "sign-up")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("#main form button[type=submit]").last.click()
    me.snap("verify-your-email")
    page.goto(link_in_mail(mailoutbox, email, r"https?://\S+/accounts/confirm-email/\S+"))
    me.snap("confirm-email")
    page.locator("#main form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    me.snap("signed-in")
    expect(page.locator('a[href="/accounts/logout/"]')).to_be_visible()


def send(me, label, target_number=None, target_country="kr"):
    """Sends the test page's form as it is (a callback by GET), with this target; returns the call request."""
    page = me.page
    page.locator("#id_action_0").check()  # callback
    if target_number is not None:
        page.fill("#id_target_number", target_number)
        page.fill("#id_target_country", target_country)
    before = page.locator("#followed-id").inner_text() if page.locator("#followed-id").count() else None
    page.locator("#tester-form button[type=submit]").click()
    expect(page.locator("#followed")).to_be_attached()
    if before is not None:  # the page swaps the result in place: wait for this send's, not the last one's
        expect(page.locator("#followed-id")).not_to_have_text(before)
    me.snap(label)
    return CallRequest.objects.get(public_id=page.locator("#followed-id").inner_text())


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_takes_a_newcomer_through_test_mode_without_staff(
    visitor, live_server, mailoutbox, workers, receiver, settings, monkeypatch, language
):
    settings.TOKEN_APPROVAL = "manual"
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receiver is on 127.0.0.1
    monkeypatch.setattr(testmode, "MAGIC_TTL_SECONDS", 4)  # the magic numbers that never answer expire sooner
    words = WORDS[language]
    email = f"newcomer-{language}@example.com"
    workers.start()
    me = visitor("newcomer", locale=words["locale"])
    sign_up_and_verify(me, email, mailoutbox)

    # The test token is there at once, without staff; the token list's test tab shows it.
    page = me.visit("/tokens/?mode=test", "test-tokens")
    token = ApiToken.objects.get(owner__email=email)
    assert token.is_test and token.is_active
    expect(page.locator(".token-table, .token-list").first).to_contain_text(token.masked)

    # A webhook endpoint on it, at the receiver.
    page = me.visit(f"/tokens/{token.pk}/webhooks/add/", "add-endpoint")
    page.fill("#id_url", receiver.url)
    page.locator("#main form button[type=submit]").last.click()
    me.snap("endpoint-secret")
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", page.locator("#main").inner_text()).group(0)

    # Each magic number from the test page, in test mode by default.
    page = me.visit("/tester/", "test-page")
    expect(page.locator("h1 .badge-test")).to_have_text(words["test"])
    sent = {}
    for code, outcome in OUTCOMES.items():
        sent[code] = send(me, f"sent-{code}", outcome.national_number)
        expect(reached(page, FINAL[code])).to_be_attached(timeout=12_000)
        me.snap(f"outcome-{code}")
        assert CallRequest.objects.get(pk=sent[code].pk).state == FINAL[code]
        page.locator("#check-status").click()
        expect(page.locator("#sent-request")).to_contain_text(f"/status/{sent[code].public_id}")
        assert json.loads(page.locator("#received-json").inner_text())["state"] == FINAL[code]
        me.snap(f"status-{code}")

    # Their webhook saw each outcome, signed with their endpoint's secret.
    expected = sum(len(outcome.steps) + 1 + (code in ("unanswered", "phone_off")) for code, outcome in OUTCOMES.items())
    events = [Webhook(secret).verify(request.body, request.headers) for request in receiver.wait_for(expected, 20)]
    final_events = {(event["data"]["id"], event["type"]) for event in events}
    for code, call_request in sent.items():
        assert (call_request.public_id, f"call_request.{FINAL[code]}") in final_events

    # Their own test phone: created on the test mode page, sent a callback, opened with one click, answered.
    page = me.visit("/test-mode/", "test-mode")
    page.locator("#create-test-phone").click()
    me.snap("test-phone-created")
    phone = Subscriber.objects.test_phones_of(token.owner).get()
    assert testmode.is_test_number(phone.number) and phone.public_id.startswith("test-")
    me.visit("/tester/", "test-page-again")
    call_request = send(me, "sent-to-own-phone", phone.national_number)
    with me.context.expect_page() as opened:
        page.locator("#target-phone").click()  # one click: no device key to copy
    phone_tab = opened.value
    card = phone_tab.locator(f"#{call_request.public_id}")
    expect(card).to_be_visible(timeout=5_000)
    expect(phone_tab.locator("#phone-owner-test")).to_be_visible()
    phone_tab.screenshot(path=me.snap("phone-rings").with_name(f"{me.prefix}-phone-rings.png"), full_page=True)
    card.locator('[data-action="seen"]').click()
    expect(card).to_have_attribute("data-state", "seen")
    card.locator('[data-action="answer"]').click()
    expect(phone_tab.locator(f"#closed-{call_request.public_id}")).to_have_attribute("data-state", "answered")
    phone_tab.screenshot(path=me.snap("own-phone-answered").with_name(f"{me.prefix}-phone-answered.png"))
    expect(reached(page, "answered")).to_be_attached(timeout=5_000)
    expect(page.locator('#followed-timeline li[data-state="answered"] .badge')).to_have_text(words["answered"])
    me.snap("timeline-answered")
    assert CallRequest.objects.get(pk=call_request.pk).state == "answered"
    assert not me.problems, me.problems
