"""/phone/ without JavaScript: a pasted key kept in a cookie, the list rendered by the server, forms for the actions."""

import json
import re
from html import unescape

import pytest
from django.test import Client

from api.models import CallRequest, Subscriber
from device.models import DeliveryStep, DeviceKey
from device.pages import COOKIE

pytestmark = pytest.mark.django_db

CALLER = "01010041004"  # the seed's example caller: +82 10-1004-1004


@pytest.fixture
def device_key(target):
    """The demo subscriber's phone key: (key, plaintext)."""
    return DeviceKey.issue(target, "Galaxy S24")


@pytest.fixture
def phone_page(client, device_key):
    """A browser without JavaScript that pasted the demo subscriber's key."""
    assert client.post("/phone/", {"key": device_key[1]}).status_code == 302
    return client


def send_call_request(client, token_value, message="please call me", caller=CALLER, target="01011111111"):
    """A call request sent through the Open API's GET form; returns its ID."""
    response = client.get(f"/{token_value}/callback/{caller}/kr/{target}/kr/{message}")
    assert json.loads(response.content)["result"] == "success", response.content
    return response["X-Call-Request-Id"]


def text_of(response):
    """What a reader sees: the page's text without tags or the script's blanks and catalogues."""
    html = response.content.decode()
    html = re.sub(r"<(template|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def status_of(client, token_value, call_request_id):
    return json.loads(client.get(f"/{token_value}/status/{call_request_id}").content)["state"]


def test_it_says_what_it_is_and_asks_for_a_key(client):
    response = client.get("/phone/")

    assert response.status_code == 200
    assert "the device API's reference client" in text_of(response)
    assert 'name="key"' in response.content.decode() and "data-key" not in response.content.decode()


def test_it_keeps_a_pasted_key_in_a_strict_http_only_cookie_for_the_page_only(client, device_key):
    response = client.post("/phone/", {"key": f"  {device_key[1]} "})

    cookie = response.cookies[COOKIE]
    assert (response.status_code, response["Location"]) == (302, "/phone/")
    assert cookie.value == device_key[1] and device_key[1] not in response["Location"]
    assert (cookie["httponly"], cookie["samesite"], cookie["secure"]) == (True, "Strict", True)
    assert cookie["path"] == "/phone/" and int(cookie["max-age"]) >= 24 * 60 * 60


def test_it_sets_the_cookie_without_secure_only_in_development(client, device_key, settings):
    settings.DEBUG = True

    assert client.post("/phone/", {"key": device_key[1]}).cookies[COOKIE]["secure"] == ""


def test_it_lists_the_subscriber_s_open_requests_after_a_reload(phone_page, issued, target):
    call_request_id = send_call_request(Client(), issued[1], "please call me back")
    other = Subscriber.register("01022223333", "kr", "SRTelecom")
    send_call_request(Client(), issued[1], "not for this phone", target="01022223333")

    shown = text_of(phone_page.get("/phone/"))
    again = text_of(phone_page.get("/phone/"))

    assert "010-1004-1004" in shown and "+821010041004" in shown and "South Korea" in shown
    assert "please call me back" in shown and "not for this phone" not in shown
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown)
    assert "010-1111-1111" in shown and "SRTelecom" in shown  # whose phone it is
    assert CallRequest.objects.get(public_id=call_request_id).state == "delivered"
    assert CallRequest.objects.get(target=other).state == "pending"
    assert "please call me back" in again
    step = DeliveryStep.objects.get()  # its delivery trace: handed over by this page
    assert (step.call_request.public_id, step.path, step.outcome) == (call_request_id, "page", "delivered")


def test_it_refuses_a_key_it_does_not_know_with_a_form_error(client, device_key):
    response = client.post("/phone/", {"key": "cbnd_" + "x" * 32})

    assert response.status_code == 200 and COOKIE not in response.cookies
    assert "No device key has this value. Check that you pasted all of it" in text_of(response)


def test_it_refuses_a_revoked_key_in_plain_words(client, device_key):
    device_key[0].revoke()

    response = client.post("/phone/", {"key": device_key[1]})

    assert COOKIE not in response.cookies
    assert "This device key was revoked. Ask CallbackNow staff for a new one." in text_of(response)


def test_it_asks_for_a_key_when_none_is_pasted(client):
    assert "This field is required." in text_of(client.post("/phone/", {"key": ""}))


def test_it_opens_a_request_and_then_offers_call_back_and_decline(phone_page, issued):
    call_request_id = send_call_request(Client(), issued[1])
    phone_page.get("/phone/")

    response = phone_page.post(f"/phone/requests/{call_request_id}/seen/")
    page = phone_page.get("/phone/").content.decode()

    assert (response.status_code, response["Location"]) == (302, f"/phone/#{call_request_id}")
    assert CallRequest.objects.get(public_id=call_request_id).state == "seen"
    assert f'action="/phone/requests/{call_request_id}/answer/"' in page
    assert f'action="/phone/requests/{call_request_id}/decline/"' in page


def test_it_answers_and_then_gives_the_number_to_dial(phone_page, issued):
    call_request_id = send_call_request(Client(), issued[1])
    phone_page.post(f"/phone/requests/{call_request_id}/seen/")

    response = phone_page.post(f"/phone/requests/{call_request_id}/answer/", follow=True)

    assert response.redirect_chain == [(f"/phone/?closed={call_request_id}", 302)]
    assert CallRequest.objects.get(public_id=call_request_id).state == "answered"
    assert status_of(Client(), issued[1], call_request_id) == "answered"
    assert 'href="tel:+821010041004"' in response.content.decode()
    assert "You called back." in text_of(response)
    assert "No open call requests." in text_of(response)


def test_it_declines(phone_page, issued):
    call_request_id = send_call_request(Client(), issued[1])
    phone_page.post(f"/phone/requests/{call_request_id}/seen/")

    response = phone_page.post(f"/phone/requests/{call_request_id}/decline/", follow=True)

    assert CallRequest.objects.get(public_id=call_request_id).state == "declined"
    assert status_of(Client(), issued[1], call_request_id) == "declined"
    assert "You will not call back." in text_of(response)
    assert "tel:" not in response.content.decode().split("<template")[0]


def test_it_says_so_when_the_caller_cancelled_before_the_answer(phone_page, issued):
    call_request_id = send_call_request(Client(), issued[1])
    phone_page.post(f"/phone/requests/{call_request_id}/seen/")
    Client().get(f"/{issued[1]}/cancel/{CALLER}/kr/01011111111/kr")

    response = phone_page.post(f"/phone/requests/{call_request_id}/answer/", follow=True)

    assert CallRequest.objects.get(public_id=call_request_id).state == "cancelled"
    assert "Cancelled by the caller." in text_of(response)


def test_it_touches_no_other_subscriber_s_request(phone_page, issued):
    Subscriber.register("01022223333", "kr", "SRTelecom")
    theirs = send_call_request(Client(), issued[1], target="01022223333")

    response = phone_page.post(f"/phone/requests/{theirs}/answer/", follow=True)

    assert CallRequest.objects.get(public_id=theirs).state == "pending"
    assert "This call request is not on this phone any more." in text_of(response)


def test_it_takes_actions_only_with_the_page_s_csrf_token(device_key, issued):
    call_request_id = send_call_request(Client(), issued[1])
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[COOKIE] = device_key[1]

    assert browser.post(f"/phone/requests/{call_request_id}/answer/").status_code == 403
    assert browser.post("/phone/forget/").status_code == 403
    assert CallRequest.objects.get(public_id=call_request_id).state == "pending"


def test_it_forgets_the_key(phone_page):
    response = phone_page.post("/phone/forget/", follow=True)

    assert phone_page.cookies[COOKIE].value == "" and response.redirect_chain == [("/phone/", 302)]
    assert "This browser no longer keeps the device key." in text_of(response)
    assert 'name="key"' in response.content.decode() and "data-key" not in response.content.decode()


def test_it_drops_a_key_revoked_since_it_was_pasted(phone_page, device_key):
    device_key[0].revoke()

    response = phone_page.get("/phone/", follow=True)

    assert phone_page.cookies[COOKIE].value == ""
    assert "This device key was revoked." in text_of(response) and "010-1111-1111" not in text_of(response)


def test_it_drops_the_key_of_a_subscriber_deactivated_since(phone_page, target):
    Subscriber.objects.filter(pk=target.pk).deactivate()

    response = phone_page.get("/phone/", follow=True)

    assert phone_page.cookies[COOKIE].value == ""
    assert "This subscriber was deactivated: the phone receives no call requests." in text_of(response)


def test_it_hands_the_cookie_s_key_to_the_script_and_lets_no_cache_keep_it(phone_page, device_key):
    response = phone_page.get("/phone/")

    assert f'data-key="{device_key[1]}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_it_speaks_korean(phone_page, issued, settings):
    send_call_request(Client(), issued[1], "다시 전화 주세요")
    phone_page.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    shown = text_of(phone_page.get("/phone/"))

    assert "가상 전화" in shown and "대한민국" in shown and "다시 전화 주세요" in shown
    assert "이 키 잊기" in shown
