"""GET/POST /tokens/<pk>/webhooks/add/: an endpoint for the token, its URL checked as a delivery would check it,
its secret shown once."""

import re

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from accounts.models import ApiToken
from webhooks import delivery
from webhooks.models import WebhookEndpoint

ALL = [
    "call_request.created",
    "call_request.delivered",
    "call_request.seen",
    "call_request.answered",
    "call_request.declined",
    "call_request.cancelled",
    "call_request.expired",
]
PUBLIC = "https://93.184.215.14/hooks"  # an address on the public internet, resolved without DNS


def url(token):
    return reverse("webhooks:endpoint_add", args=[token.pk])


def add(client, token, address, events=("call_request.created",), **headers):
    return client.post(url(token), {"url": address, "events": list(events)}, **headers)


def shown_secret(response):
    match = re.search(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>', response.content.decode())
    return match.group(1) if match else None


def errors(response):
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def test_it_offers_every_call_request_event_checked(owner_client, token):
    page = owner_client.get(url(token)).content.decode()
    for event in ALL:
        assert re.search(rf'<input type="checkbox" name="events" value="{re.escape(event)}"[^>]*checked', page), event
    assert "webhook.test" not in page


def test_it_adds_an_endpoint_and_shows_its_secret_once(owner_client, token, receiver, settings):
    response = add(owner_client, token, receiver.url, ALL)

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response.url == reverse("webhooks:secret_issued", args=[endpoint.public_id])
    assert (endpoint.token, endpoint.url, endpoint.events, endpoint.enabled) == (token, receiver.url, sorted(ALL), True)
    token.refresh_from_db()
    assert token.webhook_event_types == sorted(ALL)

    assert endpoint.secret() not in str(dict(owner_client.session))  # waiting in the session, encrypted
    secret = shown_secret(owner_client.get(response.url))
    assert secret == endpoint.secret()
    again = owner_client.get(response.url, follow=True)
    assert shown_secret(again) is None and "shown only once" in again.content.decode()
    detail = owner_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.public_id])).content.decode()
    assert secret not in detail and endpoint.masked_secret in detail

    # The secret shown is the one deliveries are signed with.
    delivery.attempt(delivery.send_test_event(endpoint).pk)
    received = receiver.wait_for(1)[0]
    assert Webhook(secret).verify(received.body, received.headers)["type"] == "webhook.test"


def test_it_needs_https_unless_private_urls_are_allowed(owner_client, token, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = add(owner_client, token, "http://93.184.215.14/hooks")
    assert "Use https://: webhooks are sent over HTTPS only." in errors(response)
    korean = add(owner_client, token, "http://93.184.215.14/hooks", HTTP_ACCEPT_LANGUAGE="ko")
    assert "https://를 쓰세요" in errors(korean)
    assert not WebhookEndpoint.objects.exists()

    assert add(owner_client, token, PUBLIC).status_code == 302
    assert WebhookEndpoint.objects.get().url == PUBLIC


@pytest.mark.parametrize(
    "address",
    [
        "https://127.0.0.1/hooks",
        "https://localhost:8443/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://100.64.0.1/hooks",
        # IPv6 forms that carry a private IPv4 address (lib.addresses): IPv4-compatible, NAT64, 6to4, Teredo
        "https://[::127.0.0.1]/hooks",
        "https://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "https://[64:ff9b:1::a9fe:a9fe]/hooks",
        "https://[2002:7f00:1::]/hooks",
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hooks",
    ],
)
def test_it_refuses_private_addresses_in_both_languages(owner_client, token, settings, address):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    english = errors(add(owner_client, token, address))
    assert "is on a private, loopback or reserved network: webhooks go to public addresses only." in english
    korean = errors(add(owner_client, token, address, HTTP_ACCEPT_LANGUAGE="ko"))
    assert "사설, 루프백 또는 예약된 네트워크" in korean
    assert not WebhookEndpoint.objects.exists()


def test_it_takes_localhost_over_http_where_private_urls_are_allowed(owner_client, token, settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    assert add(owner_client, token, "http://localhost:8000/hooks").status_code == 302
    assert add(owner_client, token, receiver.url).status_code == 302
    assert WebhookEndpoint.objects.count() == 2


@pytest.mark.parametrize(
    ("address", "english", "korean"),
    [
        ("https://user:pass@93.184.215.14/hooks", "Leave the user name and password out of the URL.", "사용자 이름"),
        ("https://no-such-host.invalid/hooks", "does not resolve to an address", "주소를 찾을 수 없습니다"),
        ("ftp://93.184.215.14/hooks", "Enter an https:// URL with a host name.", "호스트 이름이 있는 https://"),
        ("not a url", "Enter a valid URL.", "올바른 URL"),
    ],
)
def test_it_says_why_a_url_is_refused(owner_client, token, address, english, korean):
    assert english in errors(add(owner_client, token, address))
    assert korean in errors(add(owner_client, token, address, HTTP_ACCEPT_LANGUAGE="ko"))
    assert not WebhookEndpoint.objects.exists()


def test_it_needs_an_event(owner_client, token):
    response = add(owner_client, token, PUBLIC, events=[])
    assert "Choose at least one event." in errors(response)
    response = add(owner_client, token, PUBLIC, events=["webhook.test"])
    assert "Select a valid choice" in errors(response)
    assert not WebhookEndpoint.objects.exists()


def test_it_refuses_the_same_url_twice_for_one_token(owner_client, token, developer):
    assert add(owner_client, token, PUBLIC).status_code == 302
    assert "already has an endpoint with this URL" in errors(add(owner_client, token, PUBLIC))
    other_token, _ = ApiToken.issue(developer, "Other site", "other.example")
    assert add(owner_client, other_token, PUBLIC).status_code == 302


def test_it_stops_at_the_limit_per_token(owner_client, token, settings):
    settings.WEBHOOK_ENDPOINTS_PER_TOKEN = 2
    for number in range(2):
        assert add(owner_client, token, f"{PUBLIC}/{number}").status_code == 302
    response = add(owner_client, token, f"{PUBLIC}/2")
    assert "already has 2 endpoints, the most it may have" in response.content.decode()
    korean = add(owner_client, token, f"{PUBLIC}/2", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "최대 2개" in korean
    assert WebhookEndpoint.objects.count() == 2
    listing = owner_client.get(reverse("webhooks:endpoint_list", args=[token.pk])).content.decode()
    assert url(token) not in listing


def test_it_adds_nothing_to_a_revoked_token(owner_client, token):
    token.revoke()
    response = add(owner_client, token, PUBLIC)
    assert response.status_code == 302
    assert "no new webhook endpoints" in owner_client.get(response.url).content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_it_takes_get_and_post_only(owner_client, token):
    assert owner_client.get(url(token)).status_code == 200
    assert owner_client.put(url(token)).status_code == 405


def test_it_refuses_a_url_with_a_fragment_in_english_and_korean(owner_client, token):
    english = add(owner_client, token, PUBLIC + "#section")
    korean = add(owner_client, token, PUBLIC + "#section", HTTP_ACCEPT_LANGUAGE="ko")

    assert "Leave out the #fragment: it never reaches your server." in errors(english)
    assert "#프래그먼트는 빼세요." in errors(korean)
    assert not WebhookEndpoint.objects.exists()


def test_it_says_a_long_url_is_too_long_before_anything_else(owner_client, token):
    long_url = "https://no-such-host.invalid/" + "a" * 2971  # 3,000 characters on a host that does not resolve

    english = add(owner_client, token, long_url)
    korean = add(owner_client, token, long_url, HTTP_ACCEPT_LANGUAGE="ko")

    assert errors(english) == "<li>This URL has 3000 characters: a webhook URL may have at most 2000.</li>"
    assert "이 URL은 3000자입니다. 웹훅 URL은 최대 2000자까지 쓸 수 있습니다." in errors(korean)
    assert 'maxlength="2000"' not in owner_client.get(url(token)).content.decode()  # no silent cut of a paste
    assert not WebhookEndpoint.objects.exists()
