"""POST /tokens/<pk>/roll/: a new secret at once, the old one for the grace period picked."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from tests.helpers import reauthenticate, secret_on_page

re_required = re.compile(r'<input type="checkbox" name="confirm"[^>]* required')


def url(token):
    return reverse("accounts:token_roll", args=[token.pk])


def roll(client, token, password, grace):
    """Rolls as a developer does: the form, the password confirmation, then the new secret shown once."""
    response = client.post(url(token), {"grace_seconds": grace, "confirm": "on"})
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
    owner_client.post(url(token), {"grace_seconds": 3600, "confirm": "on"})
    page = reauthenticate(owner_client, password, url(token))
    page = owner_client.get(page.url).content.decode()
    assert "Your new token" in page and "The old token keeps working until" in page
    detail = owner_client.get(reverse("accounts:token_detail", args=[token.pk])).content.decode()
    assert "still accepted until" in detail
    assert "grace period for the old token: 1 hour" in detail


def test_it_needs_the_password_again(owner_client, issued, password):
    token, old = issued
    owner_client.post(url(token), {"grace_seconds": 0, "confirm": "on"})
    wrong = owner_client.post(reverse("account_reauthenticate") + f"?next={url(token)}", {"password": "wrong"})
    assert wrong.status_code == 200
    assert ApiToken.objects.find_active(old) == token


def test_it_refuses_an_unknown_grace_period(owner_client, issued, password):
    token, old = issued
    reauthenticate(owner_client, password, reverse("accounts:token_detail", args=[token.pk]))
    response = owner_client.post(url(token), {"grace_seconds": 999, "confirm": "on"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ApiToken.objects.find_active(old) == token


def test_it_refuses_to_roll_a_suspended_token(owner_client, issued, password):
    token, old = issued
    token.suspend()
    reauthenticate(owner_client, password, reverse("accounts:token_detail", args=[token.pk]))
    response = owner_client.post(url(token), {"grace_seconds": 0, "confirm": "on"}, follow=True)
    assert "not possible while the token is “Suspended”" in response.content.decode()
    token.refresh_from_db()
    assert token.accepts(old)


def test_it_asks_for_confirmation_before_it_acts(owner_client, issued, password):
    token, old = issued
    reauthenticate(owner_client, password, reverse("accounts:token_detail", args=[token.pk]))
    response = owner_client.post(url(token), {"grace_seconds": 0})
    assert response.status_code == 200
    assert "Tick the box to confirm: rolling cannot be undone." in response.content.decode()
    assert ApiToken.objects.find_active(old) == token
    assert not token.events.filter(kind="rolled").exists()


def test_it_offers_the_confirmation_box_as_required(owner_client, issued):
    token, _ = issued
    page = owner_client.get(reverse("accounts:token_detail", args=[token.pk])).content.decode()
    assert 'name="confirm"' in page and 'type="checkbox"' in page
    assert re_required.search(page)


def test_it_lands_on_the_new_token_s_page_after_the_password(owner_client, issued, password):
    """allauth resumes the POST on its re-authentication page; the developer's address bar names the token's page."""
    token, _ = issued
    owner_client.post(url(token), {"grace_seconds": 0, "confirm": "on"})
    confirmed = reauthenticate(owner_client, password, url(token))
    assert confirmed.status_code == 302 and confirmed.url == reverse("accounts:token_issued", args=[token.pk])
