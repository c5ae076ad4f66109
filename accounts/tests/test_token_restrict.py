"""POST /tokens/<pk>/restriction/: who may call with a token, the legacy flag and its one-step move."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.restrictions import Restriction
from accounts.templatetags.tokens import event_detail

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("accounts:token_restrict", args=[token.pk])


def detail(client, token, **extra):
    return client.get(reverse("accounts:token_detail", args=[token.pk]), **extra).content.decode()


def test_it_flags_a_legacy_token_and_moves_it_to_websites_in_one_step(owner_client, issued, developer):
    token, _ = issued
    assert 'id="legacy-restriction"' in detail(owner_client, token)
    assert "이 토큰은 어디서나 쓰입니다" in detail(owner_client, token, HTTP_ACCEPT_LANGUAGE="ko")

    response = owner_client.post(url(token), {"restriction": "websites"}, REMOTE_ADDR="192.0.2.8")

    assert response.url == reverse("accounts:token_detail", args=[token.pk])
    token.refresh_from_db()
    assert token.restriction == Restriction.WEBSITES
    event = token.events.get(kind="restricted")
    assert (event.actor, event.ip, event_detail(event)) == (developer, "192.0.2.8", "Legacy → Websites")
    assert 'id="legacy-restriction"' not in detail(owner_client, token)


def test_it_restricts_to_servers_with_their_addresses_normalised(owner_client, website_token):
    token, _ = website_token
    addresses = "203.0.113.7\n2001:DB8::/48, 198.51.100.9/24"
    owner_client.post(url(token), {"restriction": "servers", "addresses": addresses})

    token.refresh_from_db()
    assert (token.restriction, token.allowed_addresses) == (
        "servers",
        ["203.0.113.7/32", "2001:db8::/48", "198.51.100.0/24"],
    )
    event = token.events.get(kind="restricted")
    assert event_detail(event) == "Websites → Servers: 203.0.113.7/32, 2001:db8::/48, 198.51.100.0/24"


@pytest.mark.parametrize(
    ("addresses", "english", "korean"),
    [
        ("", "Enter at least one address of the servers", "호출할 서버의 주소를 하나 이상"),
        ("203.0.113.300", "“203.0.113.300” is not an IP address or CIDR range.", "IP 주소나 CIDR 범위가 아닙니다"),
    ],
)
def test_it_refuses_servers_without_good_addresses_in_both_languages(
    owner_client, website_token, addresses, english, korean
):
    token, _ = website_token
    form = {"restriction": "servers", "addresses": addresses}
    assert english in owner_client.post(url(token), form).content.decode()
    assert korean in owner_client.post(url(token), form, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    token.refresh_from_db()
    assert token.restriction == Restriction.WEBSITES and not token.events.filter(kind="restricted").exists()


def test_it_never_goes_back_to_legacy(owner_client, website_token):
    token, _ = website_token
    response = owner_client.post(url(token), {"restriction": "legacy"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    token.refresh_from_db()
    assert token.restriction == Restriction.WEBSITES


def test_it_lets_a_new_live_token_choose_servers(owner_client, developer):
    form = {"name": "Back end", "host": "example.com", "restriction": "servers", "addresses": "203.0.113.7"}
    owner_client.post(reverse("accounts:token_apply"), form)
    token = ApiToken.objects.get(owner=developer)
    assert (token.restriction, token.allowed_addresses) == ("servers", ["203.0.113.7/32"])
    assert event_detail(token.events.get(kind="issued")) == "example.com · Servers: 203.0.113.7/32"


def test_it_makes_websites_the_default_of_a_new_live_token(owner_client, developer):
    owner_client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "example.com"})
    assert ApiToken.objects.get(owner=developer).restriction == Restriction.WEBSITES


def test_it_answers_404_to_an_outsider(outsider_client, website_token):
    token, _ = website_token
    assert outsider_client.post(url(token), {"restriction": "servers", "addresses": "0.0.0.0/0"}).status_code == 404
    token.refresh_from_db()
    assert token.restriction == Restriction.WEBSITES
