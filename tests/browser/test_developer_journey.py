"""The whole journey of a newcomer, in headless Chromium, every page photographed.

Sign up, follow the verification mail, enable two-factor, apply for a token and see it once, send
each action from the test page and read the answer, find the requests in the token's log and chart,
roll and revoke.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from api import demo
from tests.helpers import SEED_SUCCESS, link_in_mail, totp

pytestmark = pytest.mark.browser

EMAIL = "newcomer@example.com"
PASSWORD = "a long and unusual passphrase 8"
HOST = "newcomer.example"
# The seed's examples: my number 01010041004/kr; the demo subscriber 01011111111/kr, ID airpagephone.


def sign_up_and_verify(me, mailoutbox):
    page = me.visit("/", "home")
    page.get_by_role("link", name="Sign up").first.click()
    me.snap("sign-up")
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    me.snap("verify-your-email")
    expect(page.get_by_text(EMAIL).first).to_be_visible()

    page.goto(link_in_mail(mailoutbox, EMAIL, r"https?://\S+/accounts/confirm-email/\S+"))
    me.snap("confirm-email")
    page.get_by_role("button", name="Confirm").click()
    me.snap("signed-in")
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def confirm_password_if_asked(me):
    """allauth asks for the password again before anything that shows or changes a secret."""
    page = me.page
    if page.get_by_role("heading", name="Confirm access").count():
        me.snap("confirm-access")
        page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        me.snap("confirmed")


def enable_two_factor(me):
    page = me.page
    page.get_by_role("link", name="Account").click()
    me.snap("account")
    page.get_by_role("link", name="Two-factor authentication").click()
    me.snap("two-factor")
    page.get_by_role("link", name="Activate").or_(page.get_by_role("button", name="Activate")).first.click()
    confirm_password_if_asked(me)
    me.snap("activate-authenticator")
    secret = page.locator("#authenticator_secret").inner_text()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(totp(secret))
    page.get_by_role("button", name="Activate").click()
    me.snap("two-factor-enabled")
    expect(page.get_by_text("Authenticator app activated")).to_be_visible()
    return secret


def shown_secret(page):
    """The token's full text as the page shows it right after issue or roll."""
    value = page.locator(".secret-box").first.inner_text()
    match = re.search(r"cbn_[A-Za-z0-9]{28}", value)
    assert match, f"no token on the page: {value!r}"
    return match.group(0)


def apply_for_a_token(me, name):
    page = me.page
    page.get_by_role("link", name="My tokens").first.click()
    me.snap("my-tokens")  # the test tab, where the test token waits: live tokens are applied for on the live tab
    page.locator(".mode-switch").get_by_role("link", name="Live").click()
    me.snap("my-live-tokens")
    page.get_by_role("link", name=re.compile("Apply for a token")).first.click()
    me.snap("apply")
    page.get_by_role("textbox", name="App name").fill(name)
    page.get_by_role("textbox", name="Website host").fill(HOST.upper())
    page.get_by_role("button", name="Apply").click()
    me.snap("token-shown-once")
    expect(page.get_by_text(HOST, exact=True).first).to_be_visible()
    token = shown_secret(page)

    page.get_by_role("button", name="Copy").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == token
    issued_url = page.url
    page.get_by_role("link", name="Done").click()
    me.snap("token-detail-masked")
    assert token not in page.content()
    expect(page.get_by_text(token[:4] + "…" + token[-4:])).to_be_visible()
    page.goto(issued_url)
    me.snap("issued-page-again")
    assert token not in page.content()
    return token


def send_from_the_test_page(me, action, transport, label):
    """Sends one request from the test page and returns the JSON the API answered, as the page shows it."""
    page = me.page
    page.get_by_role("radio", name=re.compile(r"^" + action + ":")).check()
    page.get_by_role("radio", name=transport, exact=True).check()
    with page.expect_response(lambda r: "/tester/" in r.url and r.request.method == "POST"):
        page.get_by_role("button", name="Send request").click()
    answer = page.locator("#received-json")
    expect(answer).to_be_visible()
    me.snap(label)
    return json.loads(answer.inner_text())


def try_every_action(me):
    page = me.page
    page.get_by_role("link", name="Test page").first.click()
    me.snap("test-page")
    # It opens in test mode, on the newcomer's test token; their live token is on the live side.
    expect(page.locator("#id_token")).to_contain_text("cbn_test")
    page.get_by_role("link", name="Live", exact=True).click()
    me.snap("test-page-live")

    assert send_from_the_test_page(me, "callback", "GET URL", "tester-callback-get") == SEED_SUCCESS
    expect(page.locator("#pending-requests")).to_contain_text("1010041004")
    assert (
        send_from_the_test_page(me, "cancel", "Encrypted POST (the seed's PHP client)", "tester-cancel-post")
        == SEED_SUCCESS
    )
    expect(page.get_by_text("Nothing pending")).to_be_visible()
    assert (
        send_from_the_test_page(me, "neocallback", "GET with a JSONP callback", "tester-neocallback-jsonp")
        == SEED_SUCCESS
    )
    assert send_from_the_test_page(me, "neocancel", "GET URL", "tester-neocancel-get") == SEED_SUCCESS
    assert send_from_the_test_page(me, "cancel", "GET URL", "tester-cancel-nothing-pending") == {
        "result": "failed",
        "reason": "nothing pending to cancel",
    }
    expect(page.locator("#tester-history")).to_contain_text("neocallback")


def find_the_requests_in_the_log(me, name):
    page = me.page
    page.get_by_role("link", name="My tokens").first.click()
    page.get_by_role("link", name=name).first.click()
    me.snap("token-detail-after-tests")
    page.get_by_role("link", name="Request log").click()
    me.snap("request-log")
    log = page.locator("table").first
    for action in ("callback", "neocallback", "cancel", "neocancel"):
        expect(log).to_contain_text(action)
    expect(log).to_contain_text("nothing pending to cancel")
    chart = page.locator("svg, canvas, [role=img], figure").first
    expect(chart).to_be_visible()
    page.go_back()


def roll(me, old_token, call_api):
    page = me.page
    page.get_by_role("radio", name=re.compile(r"^None")).check()
    page.get_by_role("checkbox", name=re.compile(r"^I understand")).check()
    page.get_by_role("button", name="Roll the token").click()
    confirm_password_if_asked(me)
    me.snap("rolled")
    expect(page.get_by_role("heading", name="Your new token")).to_be_visible()
    new_token = shown_secret(page)
    assert new_token != old_token
    assert call_api(old_token)["result"] == "failed"
    assert call_api(new_token) == SEED_SUCCESS
    page.get_by_role("link", name="Done").click()
    me.snap("detail-after-roll")
    return new_token


def revoke(me, token, call_api):
    page = me.page
    page.get_by_role("link", name="Revoke…").click()
    me.snap("revoke")
    page.get_by_role("button", name="Yes, revoke it").click()
    me.snap("revoked")
    expect(page.locator(".badge").first).to_contain_text("Revoked")
    assert call_api(token) == {"result": "failed", "reason": "token not active"}


def test_it_takes_a_newcomer_from_sign_up_to_a_revoked_token(visitor, mailoutbox, live_server):
    demo.load(None)
    me = visitor("developer")
    me.context.grant_permissions(["clipboard-read", "clipboard-write"])

    def call_api(token):  # as a page of the token's website does (a websites token, the default, needs it)
        path = f"/{token}/callback/01010041004/kr/01011111111/kr/hello"
        return me.page.request.get(live_server.url + path, headers={"Referer": f"https://{HOST}/shop"}).json()

    sign_up_and_verify(me, mailoutbox)
    enable_two_factor(me)
    token = apply_for_a_token(me, "Newcomer's shop")
    try_every_action(me)
    find_the_requests_in_the_log(me, "Newcomer's shop")
    token = roll(me, token, call_api)
    revoke(me, token, call_api)

    assert me.problems == []
