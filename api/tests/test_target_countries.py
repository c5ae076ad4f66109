"""An account's live tokens reach the countries it has enabled (accounts.models.Reach, api.guards.check_target)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Reach
from api.models import ApiRequestLog, CallRequest
from tests.helpers import SEED_SUCCESS, failed

pytestmark = pytest.mark.django_db


def callback(client, value):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    return response.status_code, response.json()


def test_it_lets_an_account_from_before_target_countries_reach_every_country(client, developer, value, target):
    assert not Reach.objects.filter(owner=developer).exists()
    assert callback(client, value) == (200, SEED_SUCCESS)


def test_it_refuses_a_target_outside_the_accounts_countries(client, developer, token, value, target):
    reach = Reach.objects.create(owner=developer, countries=["JP"])

    assert callback(client, value) == (403, failed("target country not enabled"))
    assert not CallRequest.objects.exists()
    assert ApiRequestLog.objects.for_token(token).get().reason == "target country not enabled"

    reach.countries = ["JP", "KR"]
    reach.save()  # as staff do in the admin: seen at once
    assert callback(client, value) == (200, SEED_SUCCESS)


def test_it_starts_a_new_account_with_its_own_country(client):
    form = {"email": "new@example.com", "password1": "a long passphrase 42", "password2": "a long passphrase 42"}
    client.post(reverse("account_signup"), {**form, "country": "jp"})
    client.post(reverse("account_signup"), {**form, "email": "other@example.com"})  # no country chosen

    users = get_user_model().objects
    assert Reach.objects.get(owner=users.get(email="new@example.com")).countries == ["JP"]
    assert Reach.objects.get(owner=users.get(email="other@example.com")).countries == ["KR"]


def test_it_lets_staff_restrict_an_account_in_the_admin(client, staff, developer):
    client.force_login(staff)
    url = reverse("admin:auth_user_change", args=[developer.pk])
    page = client.get(url)
    form = page.context["adminform"].form.initial
    data = {key: value for key, value in form.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "username": developer.username,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "reach-TOTAL_FORMS": "1",
            "reach-INITIAL_FORMS": "0",
            "reach-MIN_NUM_FORMS": "0",
            "reach-MAX_NUM_FORMS": "1",
            "reach-0-countries": "kr, jp",
            "api_tokens-TOTAL_FORMS": "0",
            "api_tokens-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Reach.objects.get(owner=developer).countries == ["KR", "JP"]
