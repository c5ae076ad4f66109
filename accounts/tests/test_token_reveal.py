"""POST /tokens/<pk>/reveal/: the full token again, after the password, audited."""

from django.urls import reverse

from tests.helpers import reauthenticate, secret_on_page


def url(token):
    return reverse("accounts:token_reveal", args=[token.pk])


def test_it_reveals_after_reauthentication_and_records_it(owner_client, issued, developer, password):
    token, plaintext = issued
    response = owner_client.post(url(token))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    assert not token.events.filter(kind="revealed").exists()

    # After the password the browser lands on this page's own address, not on /accounts/reauthenticate/.
    confirmed = reauthenticate(owner_client, password, url(token))
    assert confirmed.status_code == 302 and confirmed.url == url(token)
    page = owner_client.get(confirmed.url)
    assert page.status_code == 200 and secret_on_page(page) == plaintext
    assert "no-store" in page["Cache-Control"]
    event = token.events.get(kind="revealed")
    assert event.actor == developer and event.ip == "127.0.0.1"

    # Within the re-authentication window a second reveal needs no password, and is recorded too.
    again = owner_client.post(url(token), follow=True)
    assert secret_on_page(again) == plaintext
    assert token.events.filter(kind="revealed").count() == 2


def test_it_shows_the_token_once_a_reload_hides_it(owner_client, issued, password):
    token, plaintext = issued
    owner_client.post(url(token))
    reauthenticate(owner_client, password, url(token))
    assert secret_on_page(owner_client.get(url(token))) == plaintext
    reload = owner_client.get(url(token))
    assert reload.status_code == 302 and reload.url == reverse("accounts:token_detail", args=[token.pk])
    assert token.events.filter(kind="revealed").count() == 1


def test_it_does_not_reveal_with_a_wrong_password(owner_client, issued):
    token, plaintext = issued
    owner_client.post(url(token))
    page = owner_client.post(reverse("account_reauthenticate") + f"?next={url(token)}", {"password": "nope"})
    assert plaintext not in page.content.decode()
    assert not token.events.filter(kind="revealed").exists()


def test_it_does_not_reveal_a_revoked_token(owner_client, issued, password):
    token, plaintext = issued
    token.revoke()
    owner_client.post(url(token))
    page = reauthenticate(owner_client, password, url(token))
    assert plaintext not in page.content.decode()
    assert not token.events.filter(kind="revealed").exists()


def test_it_shows_nothing_on_a_get_without_a_reveal(owner_client, issued):
    token, plaintext = issued
    response = owner_client.get(url(token))
    assert response.status_code == 302 and response.url == reverse("accounts:token_detail", args=[token.pk])
    assert owner_client.head(url(token)).status_code == 200
    assert not token.events.filter(kind="revealed").exists()
