"""/tokens/<pk>/issued/: the full token, shown once right after issue."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import ApiToken
from tests.helpers import secret_on_page


def apply(client, name="Shop", host="example.com"):
    response = client.post(reverse("accounts:token_apply"), {"name": name, "host": host})
    return ApiToken.objects.get(name=name), response.url


def test_it_shows_the_token_once_with_a_copy_button_and_never_again(owner_client):
    token, url = apply(owner_client)
    page = owner_client.get(url)
    plaintext = secret_on_page(page)
    assert token.accepts(plaintext)
    assert 'data-copy-target="#token-secret"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    again = owner_client.get(url)
    assert again.status_code == 302 and again.url == reverse("accounts:token_detail", args=[token.pk])
    assert plaintext not in owner_client.get(again.url).content.decode()


def test_it_keeps_the_waiting_token_encrypted_in_the_session(owner_client):
    token, url = apply(owner_client)
    stored = "".join(Session.objects.values_list("session_data", flat=True))
    plaintext = secret_on_page(owner_client.get(url))
    assert plaintext not in stored
    session = Session.objects.get().get_decoded()
    assert "accounts:show_once" not in session


def test_it_does_not_show_one_token_on_the_page_of_another(owner_client):
    first, first_url = apply(owner_client, "First", "one.example")
    second, second_url = apply(owner_client, "Second", "two.example")
    response = owner_client.get(first_url)  # the waiting secret is the second token's
    assert response.status_code == 302
    assert secret_on_page(owner_client.get(second_url)) is None  # and it has been dropped


def test_it_is_not_found_for_an_outsider(owner_client, outsider):
    token, url = apply(owner_client)
    owner_client.force_login(outsider)
    assert owner_client.get(url).status_code == 404


@pytest.mark.browser
def test_it_copies_the_token_with_one_click_in_a_browser(page, developer, password):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", developer.email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.goto(reverse("accounts:token_apply"))
    page.fill("input[name=name]", "Shop")
    page.fill("input[name=host]", "shop.example")
    page.click("main form button[type=submit]")

    shown = page.locator("#token-secret").inner_text()
    page.click("[data-copy-target='#token-secret']")
    page.wait_for_selector("button.copied")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    assert ApiToken.objects.get().accepts(shown)

    page.reload()
    assert page.locator("#token-secret").count() == 0
    assert ApiToken.objects.get().masked in page.content()


def test_it_does_not_use_up_the_showing_on_a_head_request(owner_client):
    response = owner_client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "shop.example.com"})
    issued_url = response["Location"]
    assert owner_client.head(issued_url).status_code == 200
    shown = owner_client.get(issued_url)
    assert secret_on_page(shown) is not None


def test_it_offers_the_test_page_only_for_a_token_that_works(owner_client, settings):
    _, url = apply(owner_client, name="Live")
    assert reverse("apitester:tester") in owner_client.get(url).content.decode()
    settings.TOKEN_APPROVAL = "manual"
    _, url = apply(owner_client, name="Waiting")
    page = owner_client.get(url).content.decode()
    assert reverse("apitester:tester") not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "then you can also try it on the test page" in page
