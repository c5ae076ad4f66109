"""The newcomer's journey through the real views: sign up, verify, apply, see the token once, find it listed."""

import re

from django.core import mail
from django.urls import reverse

from accounts.models import ApiToken
from tests.helpers import secret_on_page

PASSWORD = "a long and unusual passphrase 7"


def test_it_takes_a_newcomer_from_sign_up_to_a_listed_token(client, db):
    response = client.post(
        reverse("account_signup"), {"email": "new@dev.example", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:token_list")).status_code == 302  # not signed in until verified

    [message] = mail.outbox
    assert message.to == ["new@dev.example"]
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)
    assert b"Confirm" in client.get(confirm_path).content
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response.url == reverse("accounts:token_list")

    # The first visit lands on what can be used now: the test token that confirming the address issued.
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert "Your test token is ready below" in page
    assert ApiToken.objects.test().get().masked in page
    live = client.get(reverse("accounts:token_list") + "?mode=live").content.decode()
    assert "You have no tokens yet" in live
    assert "Your test token is ready" not in live

    response = client.post(reverse("accounts:token_apply"), {"name": "Shop", "host": "Shop.Example.COM"})
    token = ApiToken.objects.live().get()  # beside the test token that confirming the address issued
    assert response.url == reverse("accounts:token_issued", args=[token.pk])

    shown = client.get(response.url)
    plaintext = secret_on_page(shown)
    assert plaintext and token.accepts(plaintext)
    assert 'data-copy-target="#token-secret"' in shown.content.decode()
    assert shown["Cache-Control"].startswith("max-age=0")

    again = client.get(response.url)
    assert again.url == reverse("accounts:token_detail", args=[token.pk])
    detail = client.get(again.url).content.decode()
    assert plaintext not in detail
    assert token.masked in detail

    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert "shop.example.com" in listing
    assert token.masked in listing
    assert plaintext not in listing
    assert token.owner.email == "new@dev.example"
    assert token.state == ApiToken.State.ACTIVE
