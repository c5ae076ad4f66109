"""The request log in a browser: cards on a phone (390 px), the whole table on a laptop (1280 px), in Korean and
English; host names whole; a call's page and the usage page within the screen; the chart's day picked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from api.models import ApiRequestLog, CallRequest
from tests.helpers import sign_in_browser

pytestmark = pytest.mark.browser

LONG_HOST = "checkout.payments.shop-example-korea.co.kr"


@pytest.fixture
def logged_token(developer, target):
    token, _value = ApiToken.issue(developer, "우리 가게 주문 서버", f"*.{LONG_HOST.split('.', 1)[1]}")
    call_request = CallRequest.objects.create(
        requester_number="+821010041004",
        requester_country="KR",
        target=target,
        developer=developer,
        token=token,
        state=CallRequest.State.ANSWERED,
        expires_at=timezone.now() + timedelta(days=1),
    )
    rows = [
        ("success", "", 200, call_request),
        ("failed", "target number is not registered to callbacknow", 404, None),
        ("failed", "rate limited", 429, None),
    ]
    for day in range(12):
        for result, reason, status, made in rows:
            ApiRequestLog.objects.create(
                request_id=f"req_{day:04d}{status:04d}0000000000000000",
                token=token,
                call_request=made,
                action="callback",
                transport="JSONP",
                result=result,
                reason=reason,
                status=status,
                client_ip="2001:db8:85a3::8a2e:370:7334",
                referer_host=LONG_HOST,
                duration_ms=12,
                received={
                    "method": "GET",
                    "path": f"/{token.masked}/callback/01010041004/kr/01011111111/kr/주문하신 상품 문의",
                    "query": "callback=jsonp_1733100000",
                    "headers": {"Referer": f"https://{LONG_HOST}/orders/2026/12/02/1234567890"},
                },
                answer='jsonp_1733100000({"result":"failed","reason":"rate limited"});',
                created_at=timezone.now() - timedelta(days=day, minutes=status),
            )
    return token


def overflow(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def host_line_starts(page):
    """Where each line of the first host cell's text starts (character offsets in the host name)."""
    return page.locator("td.log-host").first.evaluate("""td => {
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        const starts = []; let offset = 0, top = null, node;
        while ((node = walker.nextNode())) {
            for (let i = 0; i < node.length; i++) {
                const range = document.createRange();
                range.setStart(node, i); range.setEnd(node, i + 1);
                const rect = range.getBoundingClientRect();
                if (rect.width && (top === null || rect.top > top + 2)) { starts.push(offset + i); top = rect.top; }
            }
            offset += node.length;
        }
        return starts;
    }""")


def word_starts(host):
    """Where a host name may wrap: after a dot or a hyphen."""
    return {0} | {i + 1 for i, ch in enumerate(host) if ch in ".-"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_shows_each_call_as_a_card_on_a_phone(visitor, live_server, developer, logged_token, language):
    phone = visitor(f"phone-{language}", locale=language)
    phone.page.set_viewport_size({"width": 390, "height": 844})
    sign_in_browser(phone.context, developer, live_server, language=language)
    page = phone.visit(f"/tokens/{logged_token.pk}/log/", "log")

    assert overflow(page)[0] == 390
    row = page.locator("table.log-table tbody tr").nth(1)
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    for cell in (
        "td:nth-child(3)",
        "td.log-reason",
        "td:nth-child(5)",
        "td.log-id",
    ):  # result, reason, status, call request
        box = row.locator(cell).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{cell} is off-screen: {box}"
    label = row.locator("td.log-reason").evaluate("td => getComputedStyle(td, '::before').content")
    assert label == ('"사유"' if language == "ko" else '"Reason"')
    assert page.locator(".table-wrap").first.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert set(host_line_starts(page)) <= word_starts(LONG_HOST)

    page.locator("a.log-detail").nth(1).click()
    page.wait_for_url("**/log/*/")
    phone.snap("call")
    assert overflow(page)[0] == 390
    assert page.locator("pre.log-raw").first.is_visible()

    phone.visit("/usage/", "usage")
    assert overflow(page)[0] == 390
    assert not phone.problems


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_shows_the_whole_table_on_a_laptop(visitor, live_server, developer, logged_token, language):
    laptop = visitor(f"laptop-{language}", locale=language)
    sign_in_browser(laptop.context, developer, live_server, language=language)
    page = laptop.visit(f"/tokens/{logged_token.pk}/log/", "log")

    assert page.locator("table.log-table thead").is_visible()
    assert page.locator("table.log-table tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert page.locator(".table-wrap").first.evaluate("w => w.scrollWidth <= w.clientWidth"), "a column is cut off"
    assert set(host_line_starts(page)) <= word_starts(LONG_HOST)

    # A bar of the chart picks its day: the log shows that day, and the chart marks it.
    page.locator("svg.chart a").nth(27).click()
    page.wait_for_url("**date_to=*")
    laptop.snap("day")
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert f"date_from={day}&date_to={day}" in page.url
    assert page.locator("rect.chart-chosen").count() == 1
    assert page.locator("table.log-table tbody tr").count() == 3

    page.locator("a.log-detail").first.click()
    page.wait_for_url("**/log/*/")
    laptop.snap("call")
    laptop.visit("/usage/", "usage")
    assert not laptop.problems
