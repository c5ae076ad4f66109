"""Behind the load balancer, allauth's per-address limits must count each client, not the balancer."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_keeps_one_client_s_failed_sign_ins_from_locking_out_another(client, developer, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for attempt in range(12):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{attempt}@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **balancer,
        )
    response = client.post(
        reverse("account_login"),
        {"login": developer.email, "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **balancer,
    )
    assert response.status_code == 302, "the honest client was locked out by another's failures"


def test_it_sets_allauth_s_proxy_count_from_the_portal_s():
    from django.conf import settings

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
