"""/phone/ in headless Chromium: the subscriber's controls on the virtual phone, in both languages and sizes. Block a
request's number: the next callback from that number is refused with "blocked by the recipient"; undo: accepted
again. Block a developer, report spam, and set and clear quiet hours in the subscriber's time zone."""

import pytest
import requests
from playwright.sync_api import expect

from api.models import CallRequest
from api.recipients import Block, SpamReport
from device.models import QuietHours
from device.tests.test_phone_browser import CALLER, DESKTOP, PHONE, connect, in_language, snap

pytestmark = pytest.mark.browser
BLOCKED = {"result": "failed", "reason": "blocked by the recipient"}


def callback(live_server, token_value, message):
    url = f"{live_server.url}/{token_value}/callback/{CALLER}/kr/01011111111/kr/{message}"
    return requests.get(url, timeout=10)


@pytest.fixture
def device_key(target):
    from device.models import DeviceKey

    return DeviceKey.issue(target, "Galaxy S24")


@pytest.mark.parametrize(("language", "size"), [("en", PHONE), ("ko", DESKTOP), ("ko", PHONE), ("en", DESKTOP)])
def test_it_blocks_a_number_and_undoes_the_block(page, live_server, issued, device_key, language, size):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size(size)
    in_language(page, live_server, language)
    connect(page, device_key[1])
    name = f"controls-{language}-{size['width']}"
    expect(page.locator("#phone-blocks-empty")).to_be_visible()

    first = callback(live_server, issued[1], "call me")
    assert first.json()["result"] == "success"
    card = page.locator(f"#{first.headers['X-Call-Request-Id']}")
    expect(card).to_be_visible()
    snap(page, f"{name}-01-request")
    card.locator('[data-control="number"]').click()

    blocked = page.locator("#phone-blocks li")
    expect(blocked).to_have_count(1)
    expect(blocked).to_contain_text("+821010041004")
    expect(blocked).to_contain_text("번호" if language == "ko" else "Number")
    expect(page.locator("#phone-controls-status")).to_contain_text("+821010041004")
    snap(page, f"{name}-02-blocked")
    CallRequest.objects.all().delete()  # the open request would be refreshed, not refused: a later one is asked
    assert callback(live_server, issued[1], "again").json() == BLOCKED
    assert not CallRequest.objects.exists()

    blocked.locator("[data-undo]").click()
    expect(blocked).to_have_count(0)
    expect(page.locator("#phone-blocks-empty")).to_be_visible()
    expect(page.locator("#phone-controls-status")).to_contain_text("+821010041004")
    assert not Block.objects.exists()
    again = callback(live_server, issued[1], "once more")
    assert again.json()["result"] == "success"
    expect(page.locator(f"#{again.headers['X-Call-Request-Id']}")).to_be_visible()
    snap(page, f"{name}-03-undone")
    assert page.evaluate("[document.documentElement.scrollWidth, innerWidth]") == [size["width"]] * 2
    assert not problems


def test_it_blocks_a_developer_and_reports_spam(page, live_server, issued, device_key, target):
    page.set_viewport_size(PHONE)
    connect(page, device_key[1])
    sent = callback(live_server, issued[1], "buy now")
    card = page.locator(f"#{sent.headers['X-Call-Request-Id']}")

    card.locator('[data-control="developer"]').click()
    expect(page.locator("#phone-blocks li")).to_contain_text("My site")
    card.locator('[data-control="spam"]').click()

    expect(page.locator(f"#closed-{sent.headers['X-Call-Request-Id']}")).to_have_attribute("data-state", "declined")
    expect(page.locator("#phone-blocks li")).to_have_count(1)  # spam blocks the developer, already blocked
    assert SpamReport.objects.filter(subscriber=target).count() == 1
    assert callback(live_server, issued[1], "again").json() == BLOCKED


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_sets_and_clears_quiet_hours(page, live_server, device_key, target, language):
    page.set_viewport_size(PHONE)
    in_language(page, live_server, language)
    connect(page, device_key[1])
    form = page.locator("#phone-quiet-form")
    expect(form.locator('[name="time_zone"]')).not_to_have_value("")  # the browser's own zone, offered

    form.locator('[name="start"]').fill("22:00")
    form.locator('[name="end"]').fill("07:00")
    form.locator('[name="time_zone"]').fill("Mars/Olympus")
    form.locator('button[type="submit"]').click()
    status = page.locator("#phone-controls-status")
    expect(status).to_have_class("small problem")
    expect(status).to_contain_text("Asia/Seoul")
    assert not QuietHours.objects.exists()

    form.locator('[name="time_zone"]').fill("Asia/Seoul")
    form.locator('button[type="submit"]').click()
    expect(status).to_contain_text("22:00")
    saved = QuietHours.objects.get(subscriber=target)
    assert (saved.time_zone, f"{saved.start:%H:%M}", f"{saved.end:%H:%M}") == ("Asia/Seoul", "22:00", "07:00")
    snap(page, f"controls-{language}-390-04-quiet")

    page.reload()
    expect(form.locator('[name="start"]')).to_have_value("22:00")
    page.locator("#phone-quiet-clear").click()
    expect(status).to_have_text("방해 금지 시간이 없습니다." if language == "ko" else "No quiet hours.")
    assert not QuietHours.objects.exists()
