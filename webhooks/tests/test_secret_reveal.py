"""POST /webhooks/<id>/secret/: the full signing secret again, only after the password, and never in the log."""

import logging
import re

from django.urls import reverse

from tests.helpers import reauthenticate


def url(endpoint):
    return reverse("webhooks:secret_reveal", args=[endpoint.public_id])


def shown_secret(response):
    match = re.search(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>', response.content.decode())
    return match.group(1) if match else None


def test_it_reveals_after_reauthentication(owner_client, endpoint, password, developer, caplog):
    endpoint, secret = endpoint
    response = owner_client.post(url(endpoint))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))

    with caplog.at_level(logging.INFO, logger="webhooks"):
        confirmed = reauthenticate(owner_client, password, url(endpoint))
    # After the password the browser lands on this page's own address, not on /accounts/reauthenticate/.
    assert confirmed.status_code == 302 and confirmed.url == url(endpoint)
    page = owner_client.get(confirmed.url)
    assert page.status_code == 200 and shown_secret(page) == secret
    assert "no-store" in page["Cache-Control"]
    assert f"revealed to developer {developer.pk}" in caplog.text and endpoint.public_id in caplog.text
    assert secret not in caplog.text and secret[6:] not in caplog.text

    # Within the re-authentication window a second reveal needs no password.
    assert shown_secret(owner_client.post(url(endpoint), follow=True)) == secret
    assert owner_client.get(url(endpoint)).status_code == 302  # shown once: a reload hides it again


def test_it_does_not_reveal_with_a_wrong_password(owner_client, endpoint):
    endpoint, secret = endpoint
    owner_client.post(url(endpoint))
    page = owner_client.post(reverse("account_reauthenticate") + f"?next={url(endpoint)}", {"password": "nope"})
    assert secret not in page.content.decode()


def test_it_speaks_korean(owner_client, endpoint, password):
    endpoint, _ = endpoint
    reauthenticate(owner_client, password)
    page = owner_client.post(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko", follow=True).content.decode()
    assert "이 페이지를 떠나면 비밀 키가 다시 가려집니다." in page


def test_it_shows_nothing_on_a_get_without_a_reveal(owner_client, endpoint):
    endpoint, secret = endpoint
    response = owner_client.get(url(endpoint))
    assert response.status_code == 302 and response.url == reverse(
        "webhooks:endpoint_detail", args=[endpoint.public_id]
    )
    assert owner_client.head(url(endpoint)).status_code == 200
