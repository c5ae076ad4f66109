"""POST /tokens/<pk>/roll/: a new secret at once, the old one for the grace period picked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from tests.helpers import reauthenticate, secret_on_page


def url(token):
    return reverse("accounts:token_roll", args=[token.pk])


def roll(client, token, password, grace):
    """Rolls as a developer does: the form, the password confirmation, then the new secret shown once."""
    response = client.post(url(token), {"grace_seconds": grace})
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    confirmed = reauthenticate(client, password, url(token))
    assert confirmed.url == reverse("accounts:token_issued", args=[token.pk])
    return secret_on_page(client.get(confirmed.url))


@pytest.mark.parametrize("grace", [0, 3600, 86400, 604800])
def test_it_rolls_with_each_grace_period(owner_client, issued, password, grace):
    token, old = issued
    new = roll(owner_client, token, password, grace)
    assert new and new != old
    assert ApiToken.objects.find_active(new) == token
    token.refresh_from_db()
    event = token.events.get(kind="rolled")
    assert event.data == {"grace_seconds": grace}
    if grace:
        assert ApiToken.objects.find_active(old) == token
        assert abs(token.previous_valid_until - (timezone.now() + timedelta(seconds=grace))) < timedelta(seconds=30)
        ApiToken.objects.filter(pk=token.pk).update(previous_valid_until=timezone.now() - timedelta(seconds=1))
    assert ApiToken.objects.find_active(old) is None


def test_it_says_how_long_the_old_token_still_works(owner_client, issued, password):
    token, _ = issued
    owner_client.post(url(token), {"grace_seconds": 3600})
    page = reauthenticate(owner_client, password, url(token))
    page = owner_client.get(page.url).content.decode()
    assert "Your new token" in page and "The old token keeps working until" in page
    detail = owner_client.get(reverse("accounts:token_detail", args=[token.pk])).content.decode()
    assert "still accepted until" in detail
    assert "grace period for the old token: 1 hour" in detail


def test_it_needs_the_password_again(owner_client, issued, password):
    token, old = issued
    owner_client.post(url(token), {"grace_seconds": 0})
    wrong = owner_client.post(reverse("account_reauthenticate") + f"?next={url(token)}", {"password": "wrong"})
    assert wrong.status_code == 200
    assert ApiToken.objects.find_active(old) == token


def test_it_refuses_an_unknown_grace_period(owner_client, issued, password):
    token, old = issued
    reauthenticate(owner_client, password, reverse("accounts:token_detail", args=[token.pk]))
    response = owner_client.post(url(token), {"grace_seconds": 999})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ApiToken.objects.find_active(old) == token


def test_it_refuses_to_roll_a_suspended_token(owner_client, issued, password):
    token, old = issued
    token.suspend()
    reauthenticate(owner_client, password, reverse("accounts:token_detail", args=[token.pk]))
    response = owner_client.post(url(token), {"grace_seconds": 0}, follow=True)
    assert "not possible while the token is “Suspended”" in response.content.decode()
    token.refresh_from_db()
    assert token.accepts(old)
