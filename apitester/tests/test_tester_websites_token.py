"""The test page with the developer's own token restricted to websites (every live token's default): its GET and
JSONP are sent as a page on the token's host sends them, with that Referer, so the API accepts them as it would
from the developer's site; the status call too. A pasted token is sent as typed, without one, and the API's refusal
("referer or origin required") is shown as any other answer."""

import json

import pytest

from api.models import ApiRequestLog, CallRequest
from tests.helpers import SEED_SUCCESS, element, form_data

pytestmark = pytest.mark.django_db
NO_PAGE = {"result": "failed", "reason": "referer or origin required"}


def send(client, **fields):
    html = client.post("/tester/", form_data(**fields)).content.decode()
    return html, json.loads(element(html, "received-json"))


@pytest.mark.parametrize("transport", ["get", "jsonp"])
def test_it_sends_a_websites_token_with_its_hosts_referer(
    owner_client, website_token, target, api_on_live_server, transport
):
    token, _value = website_token

    html, answer = send(owner_client, token=token.pk, transport=transport)

    assert answer == SEED_SUCCESS
    assert "Referer: http://example.com/" in element(html, "sent-request")
    assert CallRequest.objects.get().token == token
    assert ApiRequestLog.objects.get().reason == ""


def test_it_checks_the_status_with_the_hosts_referer(owner_client, website_token, target, api_on_live_server):
    token, _value = website_token
    send(owner_client, token=token.pk)
    call_request = CallRequest.objects.get()

    response = owner_client.post(f"/tester/call-requests/{call_request.public_id}/status/", form_data(token=token.pk))

    html = response.content.decode()
    assert "Referer: http://example.com/" in element(html, "sent-request")
    assert json.loads(element(html, "received-json"))["state"] == "pending"


def test_it_sends_a_pasted_token_as_typed_and_shows_the_refusal(client, website_token, target, api_on_live_server):
    _token, value = website_token

    html, answer = send(client, pasted_token=value, transport="get")

    assert answer == NO_PAGE
    assert "Referer:" not in element(html, "sent-request")
    assert "Call from a page of that host" in element(html, "reason-description")  # why, and what to do
    assert not CallRequest.objects.exists()


def test_it_sends_a_legacy_token_as_before(owner_client, issued, target, api_on_live_server):
    token, _value = issued
    html, answer = send(owner_client, token=token.pk, transport="get")
    assert answer == SEED_SUCCESS
    assert "Referer:" not in element(html, "sent-request")
