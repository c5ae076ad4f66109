"""GET/POST /webhooks/<id>/secret/roll/: asks first (the overlap), then after the password a new secret, shown
once; during the overlap both secrets sign a real delivery."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from tests.helpers import reauthenticate
from webhooks import delivery


def url(endpoint):
    return reverse("webhooks:secret_roll", args=[endpoint.public_id])


def shown_secret(response):
    match = re.search(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>', response.content.decode())
    return match.group(1) if match else None


def roll(client, endpoint, password, overlap):
    """Rolls as a developer does: the confirmation's choice, the password, then the new secret shown once."""
    response = client.post(url(endpoint), {"overlap_seconds": overlap})
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    confirmed = reauthenticate(client, password, url(endpoint))
    assert confirmed.url == reverse("webhooks:secret_issued", args=[endpoint.public_id])
    return client.get(confirmed.url)


def deliver_test_event(endpoint, receiver):
    delivery.attempt(delivery.send_test_event(endpoint).pk)
    return receiver.wait_for(1)[-1]


def test_it_asks_first_and_changes_nothing_until_confirmed(owner_client, endpoint):
    endpoint, secret = endpoint
    page = owner_client.get(url(endpoint)).content.decode()
    assert "Give <code>" in page and endpoint.masked_secret in page
    for label in ("None: the old secret stops signing now", "1 hour", "24 hours"):
        assert label in page
    assert "새 비밀 키를 발급할까요?" in owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret() == secret


@pytest.mark.parametrize("overlap", [3600, 86400])
def test_it_signs_with_both_secrets_during_the_overlap(owner_client, endpoint, password, receiver, overlap):
    endpoint, old = endpoint
    page = roll(owner_client, endpoint, password, overlap)
    new = shown_secret(page)
    endpoint.refresh_from_db()
    assert new and new != old and endpoint.secret() == new
    assert abs(endpoint.previous_secret_until - (timezone.now() + timedelta(seconds=overlap))) < timedelta(seconds=30)
    assert "every event is signed with both secrets" in page.content.decode()

    received = deliver_test_event(endpoint, receiver)
    assert received.headers["webhook-signature"].count("v1,") == 2
    assert Webhook(old).verify(received.body, received.headers) == Webhook(new).verify(received.body, received.headers)


def test_it_stops_the_old_secret_at_once_without_an_overlap(owner_client, endpoint, password, receiver):
    endpoint, old = endpoint
    page = roll(owner_client, endpoint, password, 0)
    new = shown_secret(page)
    assert "The old secret no longer signs" in page.content.decode()

    received = deliver_test_event(endpoint, receiver)
    assert Webhook(new).verify(received.body, received.headers)["type"] == "webhook.test"
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(old).verify(received.body, received.headers)


def test_it_needs_the_password_again(owner_client, endpoint):
    endpoint, old = endpoint
    owner_client.post(url(endpoint), {"overlap_seconds": 0})
    owner_client.post(reverse("account_reauthenticate") + f"?next={url(endpoint)}", {"password": "wrong"})
    endpoint.refresh_from_db()
    assert endpoint.secret() == old


def test_it_refuses_an_overlap_it_does_not_offer(owner_client, endpoint, password):
    endpoint, old = endpoint
    reauthenticate(owner_client, password)
    response = owner_client.post(url(endpoint), {"overlap_seconds": 604800})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret() == old


def test_it_takes_no_put(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.put(url(endpoint)).status_code == 405
