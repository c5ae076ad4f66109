"""/tokens/<pk>/log/<entry>/: one call as received and answered, with its call request's timeline; 404 for anyone
else."""

import re
from html import unescape

import pytest
import requests

from api.models import ApiRequestLog, CallRequest
from tests.helpers import seed_body

pytestmark = pytest.mark.django_db


def url(token, entry):
    return f"/tokens/{token.pk}/log/{entry.pk}/"


def text(response):
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def test_it_shows_a_get_as_received_and_answered_with_the_token_masked(owner_client, token, value, target):
    sent = owner_client.get(
        f"/{value}/callback/01010041004/kr/01011111111/kr/hi?callback=done", headers={"User-Agent": "shop/2"}
    )
    entry = ApiRequestLog.objects.get()

    response = owner_client.get(url(token, entry))

    assert response.status_code == 200
    page = text(response)
    assert sent["X-Request-Id"] in page
    assert f"GET /{token.masked}/callback/01010041004/kr/01011111111/kr/hi?callback=done" in page
    assert "User-Agent: shop/2" in page
    assert sent.content.decode() in page  # the answer's body, JSONP and all
    assert "JSONP" in page and "callback" in page
    assert value not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_shows_only_the_headers_a_get_really_sent(live_server, owner_client, token, value, target):
    """Over real HTTP (the live server is runserver's wsgiref, which fills in text/plain for a request without a
    Content-Type): a GET without one shows none."""
    sent = requests.get(
        f"{live_server.url}/{value}/callback/01010041004/kr/01011111111/kr/hi", headers={"User-Agent": "shop/2"}
    )
    assert sent.status_code == 200

    page = text(owner_client.get(url(token, ApiRequestLog.objects.get())))

    assert "User-Agent: shop/2" in page
    assert "Content-Type" not in page
    assert set(ApiRequestLog.objects.get().received["headers"]) == {"User-Agent"}


def test_it_shows_a_posts_decrypted_fields_with_mytoken_masked(owner_client, token, value, target):
    owner_client.post(
        "/callback/callback_api.php",
        seed_body(value, msg="빨리 전화 주세요"),
        content_type="application/json",
        headers={"Referer": "http://example.com/"},
    )

    response = owner_client.get(url(token, ApiRequestLog.objects.get()))

    page = text(response)
    assert "POST /callback/callback_api.php" in page and "Referer: http://example.com/" in page
    assert "Content-Type: application/json" in page
    assert "mymsg" in page and "빨리 전화 주세요" in page
    assert re.search(rf"mytoken\s*{re.escape(token.masked)}", page)
    assert value not in response.content.decode()


def test_it_shows_the_call_requests_current_state_and_timeline(owner_client, token, value, target):
    sent = owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    call_request = CallRequest.objects.get(public_id=sent["X-Call-Request-Id"])
    call_request.mark_delivered()
    call_request.answer()

    response = owner_client.get(url(token, ApiRequestLog.objects.get()), headers={"Accept-Language": "ko"})

    html = response.content.decode()
    assert response.context["history"][-1][0] == "answered"
    timeline = re.search(r'<ol class="log-timeline".*?</ol>', html, re.S).group(0)
    assert re.findall(r'call-request-(\w+)">', timeline) == ["pending", "delivered", "answered"]
    assert f"/tokens/{token.pk}/log/?q={call_request.public_id}" in html


def test_it_says_a_failed_call_made_no_call_request(owner_client, token, value, target):
    owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")

    page = text(owner_client.get(url(token, ApiRequestLog.objects.get())))

    assert "target number is not registered to callbacknow" in page
    assert "created or changed no call request" in page


def test_it_shows_an_entry_written_before_requests_were_kept(owner_client, token):
    entry = ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=1)

    response = owner_client.get(url(token, entry), headers={"Accept-Language": "ko"})

    assert response.status_code == 200 and "요청 내용을 보관하기 전에" in response.content.decode()


def test_it_answers_404_for_an_entry_of_another_token_of_the_same_developer(owner_client, token, developer):
    from accounts.models import ApiToken

    other, _value = ApiToken.issue(developer, "Other", "example.org")
    entry = ApiRequestLog.objects.create(token=other, transport="GET", result="success", status=200, duration_ms=1)

    assert owner_client.get(url(token, entry)).status_code == 404
    assert owner_client.get(url(other, entry)).status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_it_answers_404_to_another_developer(outsider_client, token, method):
    entry = ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=1)

    assert getattr(outsider_client, method)(url(token, entry)).status_code == 404


def test_it_sends_a_visitor_to_sign_in(client, token):
    entry = ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=1)

    response = client.get(url(token, entry))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_speaks_korean(owner_client, token, value, target):
    owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    page = owner_client.get(url(token, ApiRequestLog.objects.get()), headers={"Accept-Language": "ko"})

    assert "받은 그대로의 요청" in page.content.decode() and "전화요청의 상태" in page.content.decode()


def test_it_shows_how_the_call_request_reached_the_phone(owner_client, token, value, target):
    from device import inbox
    from device.models import DeliveryStep, DeviceKey

    owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    assert "No push was sent and no phone has fetched it yet." in text(
        owner_client.get(url(token, ApiRequestLog.objects.get()))
    )
    key, _plaintext = DeviceKey.issue(target, "Phone")
    # What the phone's long poll reads (the async view itself cannot run under the test client once a browser test
    # has an event loop in this thread).
    inbox.snapshot(target, key)

    response = owner_client.get(url(token, ApiRequestLog.objects.get()), headers={"Accept-Language": "ko"})

    trace = re.search(r'<table class="log-fields delivery-trace".*?</table>', response.content.decode(), re.S).group(0)
    step = DeliveryStep.objects.get()
    assert step.at.strftime("%H:%M:%S") in trace
    assert "롱 폴링" in trace and 'class="delivery-delivered"' in trace
