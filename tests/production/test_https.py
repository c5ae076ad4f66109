"""Production's HTTPS rules: pages move to HTTPS, the seed's plain-http API clients keep working."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(SECURE_SSL_REDIRECT=True)
def test_it_moves_a_page_to_https(client):
    response = client.get("/tokens/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/tokens/"


@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize(
    "path",
    [
        "/cbn_0123456789abcdefghijklmnopqr/callback/01010041004/kr/01011111111/kr/hello",
        "/cbn_0123456789abcdefghijklmnopqr/neocallback/01010041004/kr/airpagephone/hello",
        "/cbn_0123456789abcdefghijklmnopqr/cancel/01010041004/kr/01011111111/kr",
        "/cbn_0123456789abcdefghijklmnopqr/neocancel/01010041004/kr/airpagephone/",
    ],
)
def test_it_answers_the_get_api_over_plain_http(client, path):
    assert client.get(path).status_code != 301


@override_settings(SECURE_SSL_REDIRECT=True)
def test_it_answers_the_encrypted_post_over_plain_http(client):
    response = client.post("/callback/callback_api.php", "{}", content_type="application/json")

    assert response.status_code != 301


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_it_sends_hsts_and_a_content_security_policy_over_https(client):
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
