"""Staff approve and suspend a developer's token in the admin; the developer sees it and the API obeys."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken
from api import demo
from tests.tokens import server_token

pytestmark = pytest.mark.browser

HOST = "pending-shop.example"


def sign_in(me, email, password, then):
    page = me.visit(then, "sign-in")
    page.get_by_label(re.compile(r"^Email")).fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    me.snap("signed-in")
    return page


def test_it_lets_staff_approve_and_suspend_a_token(visitor, live_server, settings, developer, staff, password):
    demo.load(None)
    settings.TOKEN_APPROVAL = "manual"
    token, plaintext = server_token(developer, "Pending shop", HOST)  # called below from this machine
    assert token.state == ApiToken.State.PENDING

    def call_api():
        path = f"/{plaintext}/callback/01010041004/kr/01011111111/kr/hello"
        return owner.page.request.get(live_server.url + path).json()

    owner = visitor("developer")
    page = sign_in(owner, developer.email, password, "/tokens/")
    expect(page.get_by_text("Pending shop")).to_be_visible()
    expect(page.get_by_text(re.compile("Pending", re.I)).first).to_be_visible()
    assert call_api() == {"result": "failed", "reason": "token not active"}

    admin = visitor("staff")
    page = sign_in(admin, staff.email, password, "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="API tokens", exact=True).click()
    admin.snap("token-list")
    page.locator("#searchbar").fill(HOST)
    page.get_by_role("button", name="Search").click()
    admin.snap("search")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label="Approve selected tokens")
    page.get_by_role("button", name="Go").click()
    admin.snap("approved")
    expect(page.get_by_text("1 token(s) approved.")).to_be_visible()

    owner.visit("/tokens/", "tokens-after-approval")
    expect(owner.page.get_by_text("Active").first).to_be_visible()
    assert call_api()["result"] == "success"

    page.get_by_role("link", name=re.compile("Pending shop|pending-shop", re.I)).first.click()
    admin.snap("token-page")
    page.get_by_role("button", name="Suspend…").click()
    admin.snap("suspend-reason")
    page.get_by_label("Reason").fill("Too many calls to numbers that never signed up.")
    page.get_by_role("button", name=re.compile("Suspend|Confirm|Apply", re.I)).last.click()
    admin.snap("suspended")
    expect(page.get_by_text("1 token(s) suspended.")).to_be_visible()

    owner.visit(f"/tokens/{token.pk}/", "token-suspended")
    expect(owner.page.get_by_text("Suspended").first).to_be_visible()
    expect(owner.page.get_by_text("Too many calls to numbers that never signed up.").first).to_be_visible()
    assert call_api() == {"result": "failed", "reason": "token not active"}
    assert owner.problems == [] and admin.problems == []
