"""/tokens/apply/: the application form."""

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.urls import reverse

from accounts.models import ApiToken
from tests.helpers import secret_on_page

URL = reverse("accounts:token_apply")


def test_it_issues_a_token_with_the_host_normalised_and_the_request_audited(owner_client, developer):
    response = owner_client.post(URL, {"name": "Shop", "host": " *.Bücher.DE "}, REMOTE_ADDR="192.0.2.44")
    token = ApiToken.objects.get(owner=developer)
    assert response.status_code == 302 and response.url == reverse("accounts:token_issued", args=[token.pk])
    assert (token.name, token.host, token.state) == ("Shop", "*.xn--bcher-kva.de", "active")
    issued = token.events.get(kind="issued")
    assert (issued.actor, issued.ip) == (developer, "192.0.2.44")


@pytest.mark.parametrize(
    ("host", "error"),
    [
        ("ftp://example.com", "without http:// or https://"),
        ("/shop", "without a path"),
        ("example.com:443", "without a port number"),
        ("me@example.com", "without a user name or password"),
        ("intranet", "full domain name"),
        ("", "This field is required."),
    ],
)
def test_it_explains_what_is_wrong_with_the_host(owner_client, host, error):
    response = owner_client.post(URL, {"name": "Shop", "host": host})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_shows_the_form_errors_in_korean(owner_client):
    response = owner_client.post(URL, {"name": "Shop", "host": "example.com:443"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert "포트" in response.content.decode()


def test_it_refuses_a_host_that_looks_like_an_ip_address_but_is_none(owner_client):
    english = owner_client.post(URL, {"name": "Shop", "host": "256.1.1.1"}).content.decode()
    korean = owner_client.post(URL, {"name": "Shop", "host": "256.1.1.1"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "“256.1.1.1” is not a valid IP address: write four numbers from 0 to 255" in english
    assert "올바른 IP 주소가 아닙니다: “256.1.1.1”" in korean
    assert not ApiToken.objects.exists()


def test_it_refuses_a_wildcard_over_a_public_suffix_in_korean(owner_client):
    response = owner_client.post(URL, {"name": "Shop", "host": "*.co.kr"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert "co.kr 아래의 모든 웹사이트" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_needs_a_name(owner_client):
    response = owner_client.post(URL, {"name": "", "host": "example.com"})
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


@override_settings(TOKENS_PER_DEVELOPER=1)
def test_it_stops_at_the_cap_with_a_form_error(owner_client, issued):
    response = owner_client.post(URL, {"name": "Second", "host": "second.example"})
    assert response.status_code == 200
    assert "You already have 1 tokens" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_it_asks_a_developer_without_a_verified_email_to_verify_first(owner_client, developer):
    EmailAddress.objects.filter(user=developer).update(verified=False)
    page = owner_client.get(URL).content.decode()
    assert "Verify your email address first" in page
    assert f'value="{developer.email}"' in page and 'name="action_send"' in page
    owner_client.post(URL, {"name": "Shop", "host": "example.com"})
    assert not ApiToken.objects.exists()


def test_it_resends_the_verification_mail_from_that_page(owner_client, developer, mailoutbox):
    EmailAddress.objects.filter(user=developer).update(verified=False)
    owner_client.post(reverse("account_email"), {"email": developer.email, "action_send": ""})
    assert [m.to for m in mailoutbox] == [[developer.email]]


@override_settings(TOKEN_APPROVAL="manual")
def test_it_leaves_the_token_pending_when_staff_approve_by_hand(owner_client, developer):
    assert "Our staff review each application" in owner_client.get(URL).content.decode()
    response = owner_client.post(URL, {"name": "Shop", "host": "example.com"})
    token = ApiToken.objects.get()
    assert token.state == ApiToken.State.PENDING
    page = owner_client.get(response.url).content.decode()
    assert "starts working as soon as CallbackNow staff approve it" in page


def test_it_sends_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.post(URL, {"name": "Shop", "host": "example.com"})
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("pasted", "host"),
    [
        ("https://www.example.com/path?x=1", "www.example.com"),
        ("example.com/shop", "example.com"),
        ("http://[::1]:8000/", "::1"),
    ],
)
def test_it_binds_a_pasted_web_address_to_its_host_with_a_note(owner_client, developer, pasted, host):
    response = owner_client.post(URL, {"name": "Shop", "host": pasted}, follow=True)
    assert ApiToken.objects.get(owner=developer).host == host
    page = response.content.decode()
    assert f"You entered a web address: the token is bound to its host, {host}." in page
    assert secret_on_page(response)  # the issued page, with the note above the token


def test_it_adds_no_note_for_a_plain_host(owner_client):
    response = owner_client.post(URL, {"name": "Shop", "host": "example.com"}, follow=True)
    assert "You entered a web address" not in response.content.decode()
