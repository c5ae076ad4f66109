"""The test page in Chromium: fields follow the action, sending happens without a reload."""

import json

import pytest

from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser


def test_it_sends_without_a_reload_and_shows_the_response(
    page, live_server, developer, issued, target, api_on_live_server, password
):
    token, plaintext = issued
    sign_in_browser(page.context, developer, live_server, password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Script errors and CSP refusals (a missing favicon is not the page's business).
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.goto("/tester/?mode=live")

    # Fields follow the chosen action.
    assert page.locator("#id_target_number").is_visible()
    assert not page.locator("#id_target_id").is_visible()
    assert not page.locator("#id_callback").is_visible()
    page.get_by_label("neocallback: ask by the target's CallbackNow ID").check()
    assert page.locator("#id_target_id").is_visible()
    assert not page.locator("#id_target_number").is_visible()
    page.get_by_label("Encrypted POST (the seed's PHP client)").check()

    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Send request").click()
    page.locator("#exchange").wait_for()
    assert page.evaluate("window.notReloaded") is True

    assert page.locator("[data-outcome]").first.get_attribute("data-outcome") == "success"
    assert json.loads(page.locator("#received-json").inner_text())["opname"] == "SRTelecom"
    assert page.locator("#received-response").inner_text().startswith("HTTP/1.1 200 OK")
    assert "Referer: http://example.com/" in page.locator("#sent-request").inner_text()
    assert page.locator("#sent-fields tr[data-field=phonenumber] td").first.inner_text() == "airpagephone"

    # The token is masked until its owner asks to see it.
    mytoken = page.locator("#sent-fields tr[data-field=mytoken] td").first
    assert mytoken.inner_text() == token.masked
    page.get_by_label("Show my token in the request").check()
    assert mytoken.inner_text() == plaintext

    # One snippet at a time, with a copy button; the history gained the request.
    assert page.locator("#snippet-curl").is_visible()
    assert not page.locator("#snippet-python").is_visible()
    page.get_by_role("tab", name="Python").click()
    assert page.locator("#snippet-python").is_visible()
    assert "def encrypt(value):" in page.locator("#snippet-code-python").inner_text()
    assert page.locator("#history-table tbody tr").count() == 1

    # An error shows beside its field, still without a reload.
    page.locator("#id_my_number").fill("12")
    page.get_by_role("button", name="Send request").click()
    page.locator("#id_my_number[aria-invalid=true]").wait_for()
    assert "not a valid phone number" in page.locator(".field-error").first.inner_text()
    assert page.evaluate("window.notReloaded") is True

    # Send again from the history.
    page.locator("#history-table").get_by_role("button", name="Send again").first.click()
    page.locator("#history-table tbody tr:nth-child(2)").wait_for()
    assert page.locator("[data-outcome]").first.get_attribute("data-outcome") == "success"
    assert errors == []


def test_it_works_without_javascript(chromium, live_server, developer, issued, target, api_on_live_server):
    context = chromium.new_context(locale="en-US", base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_browser(page.context, developer, live_server)
    page.goto("/tester/")
    assert page.locator("#id_target_id").is_visible() and page.locator("#id_callback").is_visible()
    page.get_by_label("GET with a JSONP callback").check()
    page.get_by_role("button", name="Send request").click()
    page.locator("#exchange").wait_for()
    assert "/**/mycallbackfunction(" in page.locator("#received-response").inner_text()
    assert page.locator("#snippet-php").is_visible() and page.locator("#snippet-python").is_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_it_keeps_a_long_request_in_the_history_within_the_page(chromium, live_server, developer, issued, width):
    from urllib.parse import quote

    from apitester.models import SentRequest

    token, _ = issued
    long_message = "가" * 201
    for message in ("hello world", long_message):
        SentRequest.objects.create(
            owner=developer,
            token=token,
            action="callback",
            transport="get",
            my_number="01010041004",
            my_country="kr",
            target_number="01011111111",
            target_country="kr",
            message=message,
            method="GET",
            url=f"http://127.0.0.1/callback/{token.masked}/01010041004/kr/01011111111/kr/{quote(message)}",
            status=200,
            outcome="success",
            elapsed_ms=12,
        )
    context = chromium.new_context(locale="en-US", base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in_browser(page.context, developer, live_server)
    page.goto("/tester/")
    page.locator("#history-table").scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/apitester-history-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    # The table fits its card: every button of every row can be reached without scrolling sideways.
    wrap = page.locator("#history-table").evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert wrap[0] <= wrap[1]
    for button in page.locator("#history-table").get_by_role("button", name="Send again").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


def test_it_asks_before_clearing_the_history(page, live_server, developer, issued, target, api_on_live_server):
    sign_in_browser(page.context, developer, live_server)
    page.goto("/tester/")
    page.get_by_role("button", name="Send request").click()
    page.locator("#history-table tbody tr").first.wait_for()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Clear history").click()
    assert page.locator("#history-table tbody tr").count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear history").click()
    page.get_by_text("Your history is cleared: 1 request deleted.").wait_for()
    assert page.locator("#history-table").count() == 0
