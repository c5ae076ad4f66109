"""/phone/ in headless Chromium: the virtual phone as the device API's live client, in both languages and sizes: on
the event stream, and on the long poll where EventSource is missing or the stream does not get through."""

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from api.models import CallRequest
from device.models import DeviceKey
from tests.helpers import ROOT, sign_in_browser

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
CALLER = "01010041004"
STORE = "callbacknow.phone.key"


@pytest.fixture
def device_key(target):
    return DeviceKey.issue(target, "Galaxy S24")


@pytest.fixture
def watched(page):
    """The page, with the Content-Security-Policy violations and script errors it meets kept in .problems."""
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: message.type == "error" and "Refused to" in message.text and page.problems.append(message.text),
    )
    return page


def snap(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"phone-{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def in_language(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def send_call_request(live_server, token_value, message, action="callback"):
    """A call request sent through the Open API by a developer's server: the GET URL, from outside the browser."""
    url = f"{live_server.url}/{token_value}/{action}/{CALLER}/kr/01011111111/kr/{message}"
    response = requests.get(url, timeout=10)
    assert response.json()["result"] == "success", response.text
    return response.headers.get("X-Call-Request-Id")


CONNECTED = re.compile("^(Connected|연결됨) ")
NO_EVENT_SOURCE = "delete window.EventSource;"  # a browser without it


def connect(page, plaintext):
    page.goto("/phone/")
    page.fill("#id_key", plaintext)
    page.click("#phone-key-form button[type=submit]")
    expect(page.locator("#phone-screen")).to_be_visible()
    expect(page.locator("#phone-status")).to_have_text(CONNECTED)
    expect(page.locator("#phone-status")).to_have_attribute("data-connection", "connected")


def streams_opened(page):
    """The event streams the page opened, as it asks for them (the ticket in their address is no key)."""
    opened = []
    page.on("request", lambda request: "/device/v1/events?" in request.url and opened.append(request.url))
    return opened


@pytest.mark.parametrize(("language", "size"), [("en", PHONE), ("ko", DESKTOP), ("en", DESKTOP), ("ko", PHONE)])
def test_it_shows_a_request_live_and_answers_it(watched, live_server, issued, device_key, language, size):
    page = watched
    streams = streams_opened(page)
    page.set_viewport_size(size)
    in_language(page, live_server, language)
    connect(page, device_key[1])
    through = "이벤트 스트림으로" if language == "ko" else "through the event stream"
    expect(page.locator("#phone-status")).to_contain_text(through)
    name = f"{language}-{size['width']}"
    snap(page, f"{name}-01-empty")

    sent_at = time.monotonic()
    call_request_id = send_call_request(
        live_server, issued[1], "다시 전화 주세요" if language == "ko" else "call me back"
    )
    card = page.locator(f"#{call_request_id}")
    expect(card).to_be_visible(timeout=2_000)
    appeared = time.monotonic() - sent_at
    expect(card).to_contain_text("01010041004")  # the API's national_number
    expect(card).to_contain_text("+821010041004")
    expect(card).to_contain_text("대한민국" if language == "ko" else "South Korea")
    snap(page, f"{name}-02-delivered")
    assert CallRequest.objects.get(public_id=call_request_id).state == "delivered"

    card.locator('[data-action="seen"]').click()
    expect(card).to_have_attribute("data-state", "seen")
    assert CallRequest.objects.get(public_id=call_request_id).state == "seen"
    snap(page, f"{name}-03-seen")

    dial = card.locator('[data-action="answer"]')
    expect(dial).to_have_attribute("href", "tel:+821010041004")
    dial.click()
    outcome = page.locator(f"#closed-{call_request_id}")
    expect(outcome).to_have_attribute("data-state", "answered")
    snap(page, f"{name}-04-answered")
    assert CallRequest.objects.get(public_id=call_request_id).state == "answered"
    status = requests.get(f"{live_server.url}/{issued[1]}/status/{call_request_id}", timeout=10).json()
    assert [entry["state"] for entry in status["history"]] == ["pending", "delivered", "seen", "answered"]
    assert page.evaluate("[document.documentElement.scrollWidth, innerWidth]") == [size["width"]] * 2
    assert not page.problems
    assert appeared < 2, f"the request took {appeared:.2f} s to appear"
    assert len(streams) == 1 and "ticket=" in streams[0], streams


def test_it_declines_a_request(watched, live_server, issued, device_key):
    page = watched
    page.set_viewport_size(PHONE)
    connect(page, device_key[1])
    call_request_id = send_call_request(live_server, issued[1], "call me")
    card = page.locator(f"#{call_request_id}")
    card.locator('[data-action="seen"]').click()
    expect(card).to_have_attribute("data-state", "seen")

    card.locator('[data-action="decline"]').click()

    outcome = page.locator(f"#closed-{call_request_id}")
    expect(outcome).to_contain_text("You will not call back.")
    expect(outcome.locator("a[href^='tel:']")).to_be_hidden()
    expect(card).to_have_count(0)
    snap(page, "declined")
    assert CallRequest.objects.get(public_id=call_request_id).state == "declined"
    status = requests.get(f"{live_server.url}/{issued[1]}/status/{call_request_id}", timeout=10).json()
    assert status["state"] == "declined"
    assert not page.problems


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_closes_a_request_the_caller_cancels_while_it_is_shown(watched, live_server, issued, device_key, language):
    page = watched
    in_language(page, live_server, language)
    connect(page, device_key[1])
    call_request_id = send_call_request(live_server, issued[1], "call me")
    expect(page.locator(f"#{call_request_id}")).to_be_visible()

    send_call_request(live_server, issued[1], "", action="cancel")

    outcome = page.locator(f"#closed-{call_request_id}")
    expect(outcome).to_contain_text("요청한 사람이 취소했습니다." if language == "ko" else "Cancelled by the caller.")
    expect(page.locator(f"#{call_request_id}")).to_have_count(0)
    expect(page.locator("#phone-empty")).to_be_visible()
    snap(page, f"{language}-cancelled")
    assert not page.problems


def test_it_keeps_the_key_in_the_browser_and_never_in_a_url(watched, live_server, issued, device_key):
    page = watched
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    connect(page, device_key[1])
    call_request_id = send_call_request(live_server, issued[1], "still here after a reload")

    page.reload()

    expect(page.locator(f"#{call_request_id}")).to_contain_text("still here after a reload")
    assert page.evaluate(f"localStorage.getItem('{STORE}')") == device_key[1]
    assert not any(device_key[1] in url for url in requested), requested
    assert not [cookie for cookie in page.context.cookies() if cookie["value"] == device_key[1]]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_refuses_a_key_it_does_not_know_in_plain_words(watched, live_server, device_key, language):
    page = watched
    in_language(page, live_server, language)
    page.goto("/phone/")

    page.fill("#id_key", "cbnd_" + "x" * 32)
    page.click("#phone-key-form button[type=submit]")

    expected = "이 값의 기기 키가 없습니다." if language == "ko" else "No device key has this value."
    expect(page.locator("#id_key_error")).to_contain_text(expected)
    expect(page.locator("#phone-screen")).to_be_hidden()
    snap(page, f"{language}-unknown-key")
    assert page.evaluate(f"localStorage.getItem('{STORE}')") is None


def test_it_says_a_key_was_revoked_on_the_next_visit(watched, live_server, device_key):
    page = watched
    connect(page, device_key[1])
    device_key[0].revoke()

    page.reload()

    # The page's script finds out from the device API (401), which a loaded machine may answer slowly.
    expect(page.locator("#id_key_error")).to_contain_text("This device key was revoked.", timeout=15_000)
    assert page.evaluate(f"localStorage.getItem('{STORE}')") is None


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_says_at_once_that_the_key_was_revoked_while_it_is_open(watched, live_server, device_key, language):
    page = watched
    in_language(page, live_server, language)
    connect(page, device_key[1])

    device_key[0].revoke()

    # The server ends the stream; the phone's next ticket is refused: no reload, and no stale "Connected".
    expected = "폐기된 기기 키입니다." if language == "ko" else "This device key was revoked."
    expect(page.locator("#id_key_error")).to_contain_text(expected, timeout=10_000)
    expect(page.locator("#phone-screen")).to_be_hidden()
    snap(page, f"{language}-revoked-while-open")
    assert page.evaluate(f"localStorage.getItem('{STORE}')") is None
    assert not page.problems


@pytest.mark.parametrize(("language", "size"), [("en", PHONE), ("ko", DESKTOP)])
def test_it_falls_back_to_the_long_poll_without_event_source(watched, live_server, issued, device_key, language, size):
    page = watched
    streams = streams_opened(page)
    page.add_init_script(NO_EVENT_SOURCE)
    page.set_viewport_size(size)
    in_language(page, live_server, language)
    connect(page, device_key[1])
    expect(page.locator("#phone-status")).to_contain_text("롱 폴링으로" if language == "ko" else "through long polling")

    call_request_id = send_call_request(live_server, issued[1], "polled")

    card = page.locator(f"#{call_request_id}")
    expect(card).to_be_visible(timeout=2_000)
    snap(page, f"{language}-{size['width']}-long-poll")
    card.locator('[data-action="seen"]').click()
    expect(card).to_have_attribute("data-state", "seen")
    assert CallRequest.objects.get(public_id=call_request_id).state == "seen"
    assert not streams
    assert not page.problems


def test_it_falls_back_to_the_long_poll_when_the_stream_does_not_get_through(watched, live_server, issued, device_key):
    page = watched
    refused = []

    def bad_gateway(route):  # a proxy in the way that does not pass the stream
        refused.append(route.request.url)
        route.fulfill(status=502, body="Bad gateway", content_type="text/html")

    page.route("**/device/v1/events?*", bad_gateway)
    page.goto("/phone/")
    page.fill("#id_key", device_key[1])
    page.click("#phone-key-form button[type=submit]")

    expect(page.locator("#phone-status")).to_contain_text("Reconnecting… The event stream did not open. Trying again")
    expect(page.locator("#phone-status")).to_have_attribute("data-connection", "reconnecting")
    snap(page, "stream-refused")
    expect(page.locator("#phone-status")).to_contain_text("through long polling", timeout=10_000)
    call_request_id = send_call_request(live_server, issued[1], "around the proxy")
    expect(page.locator(f"#{call_request_id}")).to_be_visible(timeout=2_000)
    assert len(refused) == 3


# Keeps the page's EventSource objects in window.streams, so that a test can end one as the browser does when the
# server drops the stream and the reconnection's ticket has expired: closed, with an error event.
KEEP_STREAMS = """
window.streams = [];
window.EventSource = class extends EventSource {
  constructor(...args) { super(...args); window.streams.push(this); }
};
"""
DROP_STREAM = (
    "() => { const source = window.streams.at(-1); source.close(); source.dispatchEvent(new Event('error')); }"
)


def test_it_takes_a_new_ticket_and_misses_nothing_sent_while_it_was_away(watched, live_server, issued, device_key):
    page = watched
    streams = streams_opened(page)
    page.add_init_script(KEEP_STREAMS)
    connect(page, device_key[1])
    first = send_call_request(live_server, issued[1], "before the drop")
    expect(page.locator(f"#{first}")).to_be_visible()
    away = []

    def while_away(route):  # the phone asks for a new ticket: meanwhile the caller cancels, and another one calls
        if not away:
            send_call_request(live_server, issued[1], "", action="cancel")
            away.append(requests.get(f"{live_server.url}/{issued[1]}/callback/01020002000/kr/01011111111/kr/meanwhile"))
        route.continue_()

    page.route("**/device/v1/events/tickets", while_away)
    page.evaluate(DROP_STREAM)

    expect(page.locator(f"#closed-{first}")).to_contain_text("Cancelled by the caller.")
    expect(page.locator(f"#{away[0].headers['X-Call-Request-Id']}")).to_contain_text("meanwhile")
    expect(page.locator("#phone-status")).to_have_text(CONNECTED)
    snap(page, "resumed")
    assert len(streams) == 2 and "last_event_id=" not in streams[0] and "&last_event_id=" in streams[1]
    assert not page.problems


def test_it_says_the_key_is_busy_elsewhere_and_carries_on_once_a_place_is_free(
    watched, live_server, issued, device_key, settings
):
    # The threaded test server finds a stream's tab gone when it next writes to it: a heartbeat a second.
    settings.DEVICE_HEARTBEAT_SECONDS = 1
    page = watched
    connect(page, device_key[1])
    second = page.context.new_page()
    second.goto("/phone/")  # another tab: it takes the key this browser keeps
    expect(second.locator("#phone-status")).to_have_text(CONNECTED)  # a key holds two streams: these two
    third = page.context.new_page()

    third.goto("/phone/")

    expect(third.locator("#phone-status")).to_contain_text(
        "This device key is listening in two places already (other tabs or apps): close one.", timeout=15_000
    )
    expect(third.locator("#phone-status")).to_have_attribute("data-connection", "reconnecting")
    snap(third, "key-busy")
    second.close()
    expect(third.locator("#phone-status")).to_contain_text("Trying again now.", timeout=15_000)
    call_request_id = send_call_request(live_server, issued[1], "once a place is free")  # ends the third's long poll
    expect(third.locator(f"#{call_request_id}")).to_be_visible(timeout=20_000)
    expect(third.locator("#phone-status")).to_have_text(CONNECTED)
    assert not page.problems


def test_it_forgets_the_key(watched, live_server, device_key):
    page = watched
    connect(page, device_key[1])

    page.click("#phone-forget-form button")

    expect(page.locator(".messages")).to_contain_text("This browser no longer keeps the device key.")
    expect(page.locator("#phone-key-form")).to_be_visible()
    snap(page, "forgotten")
    assert page.evaluate(f"localStorage.getItem('{STORE}')") is None
    page.reload()
    expect(page.locator("#phone-key-form")).to_be_visible()


def unavailable(times):
    """A route handler that answers 503 this many times, then lets the calls through; .failures lists them."""

    def handle(route):
        if len(handle.failures) < times:
            handle.failures.append(route.request.url)
            route.fulfill(status=503, json={"reason": "service unavailable"})
        else:
            route.continue_()

    handle.failures = []
    return handle


def test_it_backs_off_while_the_api_fails_and_then_carries_on(watched, live_server, issued, device_key):
    page = watched
    page.route("**/device/v1/me", who_fails := unavailable(1))  # the server restarting as the phone connects
    page.route("**/device/v1/call-requests?*", list_fails := unavailable(2))
    page.goto("/phone/")
    page.fill("#id_key", device_key[1])
    page.click("#phone-key-form button[type=submit]")

    expect(page.locator("#phone-status")).to_contain_text("The service is unavailable for a moment. Trying again in")
    snap(page, "backing-off")
    expect(page.locator("#phone-status")).to_have_text(CONNECTED, timeout=10_000)
    call_request_id = send_call_request(live_server, issued[1], "after the outage")
    expect(page.locator(f"#{call_request_id}")).to_be_visible()
    assert (len(who_fails.failures), len(list_fails.failures)) == (1, 2)


def test_it_works_without_javascript(chromium, live_server, issued, device_key):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/phone/")
    page.fill("#id_key", device_key[1])
    page.click("#phone-key-form button[type=submit]")
    expect(page.locator("#phone-owner-e164")).to_have_text("+821011111111")
    call_request_id = send_call_request(live_server, issued[1], "no script here")

    page.reload()
    card = page.locator(f"#{call_request_id}")
    expect(card).to_contain_text("no script here")
    snap(page, "no-js-list")
    card.get_by_role("button", name="Open").click()
    page.locator(f"#{call_request_id}").get_by_role("button", name="Call back").click()

    expect(page.locator(f"#closed-{call_request_id} a[href='tel:+821010041004']")).to_be_visible()
    snap(page, "no-js-answered")
    assert CallRequest.objects.get(public_id=call_request_id).state == "answered"
    context.close()


def test_it_opens_a_subscriber_s_phone_from_the_admin(page, live_server, staff, target, issued):
    sign_in_browser(page.context, staff, live_server)
    page.goto(f"/admin/api/subscriber/{target.pk}/change/")

    page.get_by_role("link", name="Open virtual phone").click()
    snap(page, "staff-confirm")
    page.get_by_role("button", name="Issue a key and open the phone").click()

    expect(page.locator("#phone-status")).to_have_text(CONNECTED)
    expect(page.locator("#phone-owner-e164")).to_have_text("+821011111111")
    call_request_id = send_call_request(live_server, issued[1], "for the staff's eyes")
    expect(page.locator(f"#{call_request_id}")).to_be_visible()
    snap(page, "staff-phone")
    key = DeviceKey.objects.get()
    assert (key.name, key.created_by, key.subscriber) == ("Staff virtual phone · staff@example.com", staff, target)


def test_it_sets_the_phone_beside_its_notes_on_a_wide_screen(page, live_server, device_key):
    page.set_viewport_size(DESKTOP)
    connect(page, device_key[1])

    phone, notes = page.locator("#phone").bounding_box(), page.locator(".phone-doc").bounding_box()

    assert phone["x"] + phone["width"] <= notes["x"] and abs(phone["y"] - notes["y"]) < 40
    assert phone["width"] <= 420
