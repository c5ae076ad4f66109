"""A token's application restriction on the API (accounts.restrictions, api.guards): websites, servers, legacy."""

import json

import pytest

from accounts.models import ApiToken
from accounts.restrictions import Restriction
from api.models import ApiRequestLog, CallRequest
from tests.helpers import SEED_SUCCESS, failed, seed_body

pytestmark = pytest.mark.django_db
CALLBACK = "/{value}/callback/01010041004/kr/01011111111/kr/hi"
POST_URL = "/callback/callback_api.php"


def get(client, value, **extra):
    response = client.get(CALLBACK.format(value=value), **extra)
    return response.status_code, json.loads(response.content)


def assert_refused_and_logged(token, reason):
    """A refused call creates nothing and is in the token's request log with its reason."""
    assert not CallRequest.objects.exists()
    assert ApiRequestLog.objects.for_token(token).get().reason == reason


def servers(developer, addresses):
    return ApiToken.issue(developer, "Back end", "example.com", restriction=Restriction.SERVERS, addresses=addresses)


def test_it_refuses_a_websites_token_called_with_neither_origin_nor_referer(client, website_token, target):
    token, value = website_token

    assert get(client, value) == (403, failed("referer or origin required"))
    assert_refused_and_logged(token, "referer or origin required")


@pytest.mark.parametrize("header", ["HTTP_REFERER", "HTTP_ORIGIN"])
def test_it_takes_a_websites_token_from_a_page_of_its_host(client, website_token, target, header):
    _token, value = website_token

    assert get(client, value, **{header: "https://example.com/shop"}) == (200, SEED_SUCCESS)
    assert get(client, value, **{header: "https://evil.example.net/"})[1] == failed("host mismatch")
    assert CallRequest.objects.count() == 1


def test_it_refuses_a_websites_token_whose_headers_disagree(client, website_token, target):
    _token, value = website_token

    answer = get(client, value, HTTP_REFERER="https://example.com/", HTTP_ORIGIN="https://evil.example.net")
    assert answer == (403, failed("host mismatch"))


def test_it_takes_the_seed_php_clients_post_under_a_websites_token(client, website_token, target):
    _token, value = website_token
    response = client.post(
        POST_URL, seed_body(value), content_type="application/json", headers={"Referer": "http://example.com/"}
    )
    assert json.loads(response.content) == SEED_SUCCESS


@pytest.mark.parametrize(
    ("inside", "outside"),
    [("203.0.113.7", "203.0.113.8"), ("2001:db8:1::7", "2001:db8:2::7")],
    ids=["ipv4", "ipv6"],
)
def test_it_refuses_a_servers_token_from_an_address_outside_its_list(client, developer, target, inside, outside):
    token, value = servers(developer, ["203.0.113.7/32", "2001:db8:1::/48"])

    assert get(client, value, REMOTE_ADDR=outside) == (403, failed("address not allowed"))
    assert_refused_and_logged(token, "address not allowed")

    # Origin and Referer are not read: a server's call has none, a page's cannot make it pass.
    assert get(client, value, REMOTE_ADDR=inside) == (200, SEED_SUCCESS)
    assert get(client, value, REMOTE_ADDR=outside, HTTP_REFERER="https://example.com/")[0] == 403
    assert get(client, value, REMOTE_ADDR=inside, HTTP_ORIGIN="https://evil.example.net")[0] == 200


def test_it_judges_a_servers_token_by_the_address_the_trusted_proxy_saw(client, developer, target, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _token, value = servers(developer, ["198.51.100.0/24"])

    assert get(client, value, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")[0] == 200
    # A hop written by the client itself, left of the proxy's, is not the caller's address.
    forged = get(client, value, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 192.0.2.1")
    assert forged == (403, failed("address not allowed"))


def test_it_refuses_an_encrypted_post_of_a_servers_token_from_elsewhere(client, developer, target):
    _token, value = servers(developer, ["203.0.113.7"])

    def post(address):
        response = client.post(
            POST_URL,
            seed_body(value),
            content_type="application/json",
            headers={"Referer": "http://example.com/"},
            REMOTE_ADDR=address,
        )
        return json.loads(response.content)

    assert post("192.0.2.1") == failed("address not allowed")
    assert post("203.0.113.7") == SEED_SUCCESS


def test_it_keeps_a_legacy_token_as_it_was(client, token, value, target):
    assert token.restriction == Restriction.LEGACY

    assert get(client, value) == (200, SEED_SUCCESS)  # no header at all passes, as before
    assert get(client, value, HTTP_REFERER="https://example.com/")[0] == 200
    assert get(client, value, HTTP_REFERER="https://evil.example.net/") == (403, failed("host mismatch"))


def test_it_leaves_a_test_token_unrestricted(client, developer):
    token, value = ApiToken.issue(developer, "Sandbox", "localhost", test=True)
    assert token.restriction == Restriction.NONE

    path = f"/{value}/callback/01010041004/kr/010-0000-0003/kr/hi"  # the magic number that is delivered
    assert client.get(path).json()["result"] == "success"
    assert client.get(path, HTTP_REFERER="https://elsewhere.example.net/").json()["result"] == "success"
