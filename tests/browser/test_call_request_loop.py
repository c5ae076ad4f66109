"""The whole loop of a call request in headless Chromium, in Korean and English, every page photographed.

One browser, two tabs: the virtual phone connected with the demo subscriber's device key, and the test page of a
signed-in developer. The test page sends a callback; the request reaches the phone within 2 seconds; the phone opens
and answers it; the test page's timeline follows without a reload, and its "Check status" sends the real status call,
which answers `answered`.
"""

import json
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from api.models import ApiRequestLog, CallRequest
from device.models import DeviceKey
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"locale": "en-US", "live": "Connected", "message": "please call me back", "answered": "Answered"},
    "ko": {"locale": "ko-KR", "live": "연결됨", "message": "다시 전화 주세요", "answered": "응답함"},
}


def reached(tab, state):
    """The timeline's step of this state, once it is reached (it has a time)."""
    return tab.locator(f'#followed-timeline li[data-state="{state}"]:not(.timeline-ahead) time')


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_follows_a_call_request_from_the_test_page_to_the_phone_and_back(
    visitor, live_server, developer, issued, target, language
):
    words = WORDS[language]
    token, value = issued
    _key, device_key = DeviceKey.issue(target, "Demo phone")
    me = visitor("developer", locale=words["locale"])
    sign_in_browser(me.context, developer, live_server, language=language)
    phone = type(me)(me.context, me.prefix.replace("developer", "phone"))  # a second tab of the same browser

    screen = phone.visit("/phone/", "connect")
    screen.fill("#id_key", device_key)
    screen.click("#phone-key-form button[type=submit]")
    expect(screen.locator("#phone-status")).to_contain_text(words["live"])
    phone.snap("empty")

    tester = me.visit("/tester/?mode=live", "test-page")
    tester.fill("#id_message", words["message"])
    tester.click("#tester-form button[type=submit]")
    followed = tester.locator("#followed")
    expect(followed).to_be_attached()
    answered = time.monotonic()  # the test page shows the API's answer
    call_request_id = tester.locator("#followed-id").inner_text()
    card = screen.locator(f"#{call_request_id}")
    expect(card).to_be_visible(timeout=2_000)
    arrived = time.monotonic() - answered
    logged = ApiRequestLog.objects.get(call_request__public_id=call_request_id)
    expect(tester.locator("#request-id")).to_have_text(logged.request_id)
    me.snap("sent")
    expect(card).to_contain_text(words["message"])
    phone.snap("arrived")
    expect(reached(tester, "delivered")).to_be_visible()  # the test page, without a reload
    me.snap("delivered")

    card.locator('[data-action="seen"]').click()
    expect(card).to_have_attribute("data-state", "seen")
    expect(reached(tester, "seen")).to_be_visible()
    card.locator('[data-action="answer"]').click()
    expect(screen.locator(f"#closed-{call_request_id}")).to_have_attribute("data-state", "answered")
    phone.snap("answered")

    expect(followed).to_have_attribute("data-state", "answered")
    expect(followed).to_have_attribute("data-open", "false")
    expect(reached(tester, "answered")).to_be_visible()
    expect(tester.locator('#followed-timeline li[data-state="answered"] .badge')).to_have_text(words["answered"])
    me.snap("timeline-answered")

    tester.click("#check-status")
    expect(tester.locator("#sent-request")).to_contain_text(f"GET /{token.masked}/status/{call_request_id} HTTP/1.1")
    answer = json.loads(tester.locator("#received-json").inner_text())
    me.snap("status-answered")

    assert (answer["result"], answer["id"], answer["state"]) == ("success", call_request_id, "answered")
    assert [step["state"] for step in answer["history"]] == ["pending", "delivered", "seen", "answered"]
    assert requests.get(f"{live_server.url}/{value}/status/{call_request_id}", timeout=10).json()["state"] == "answered"
    assert CallRequest.objects.get(public_id=call_request_id).state == "answered"
    assert re.fullmatch(r"cr_\w+", call_request_id)
    assert not me.problems and not phone.problems, me.problems + phone.problems
    assert arrived < 2, f"the request took {arrived:.2f} s to reach the phone"
