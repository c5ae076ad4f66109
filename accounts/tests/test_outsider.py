"""Another developer gets 404 on every token URL, in every method, and changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, TokenEvent
from tests.helpers import reauthenticate

TOKEN_URLS = [
    "token_detail",
    "token_issued",
    "token_rename",
    "token_change_host",
    "token_roll",
    "token_revoke",
    "token_reveal",
]
METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]
DATA = {"name": "Stolen", "host": "evil.example", "grace_seconds": 0, "confirm": "on"}


@pytest.mark.parametrize("name", TOKEN_URLS)
@pytest.mark.parametrize("method", METHODS)
def test_it_is_not_found_for_an_outsider(outsider_client, issued, name, method):
    token, _ = issued
    response = getattr(outsider_client, method)(reverse(f"accounts:{name}", args=[token.pk]), DATA)
    assert response.status_code == 404


def test_it_is_not_found_for_an_outsider_even_after_reauthentication(outsider_client, issued, password):
    token, plaintext = issued
    for name in TOKEN_URLS:
        url = reverse(f"accounts:{name}", args=[token.pk])
        response = reauthenticate(outsider_client, password, url)
        assert plaintext not in response.content.decode()
        assert outsider_client.post(url, DATA).status_code == 404
    token.refresh_from_db()
    assert (token.name, token.host, token.state) == ("My site", "example.com", "active")
    assert token.accepts(plaintext)
    assert TokenEvent.objects.filter(token=token).count() == 2


@pytest.mark.parametrize("name", TOKEN_URLS)
def test_it_sends_visitors_to_sign_in(client, issued, name):
    token, _ = issued
    response = client.post(reverse(f"accounts:{name}", args=[token.pk]), DATA)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert ApiToken.objects.get().name == "My site"
