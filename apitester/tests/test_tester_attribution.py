"""The test page calls the API from the server itself: it vouches for each visitor's address, so one visitor's
refused calls use up their own allowance of the API's per-address limit, never the page's for everybody."""

import json

import pytest

from api.models import ApiRequestLog
from tests.helpers import SEED_SUCCESS, element, form_data

pytestmark = pytest.mark.django_db(transaction=True)


def send_as(client, address, **fields):
    response = client.post("/tester/", form_data(**fields), REMOTE_ADDR=address)
    assert response.status_code == 200
    html = response.content.decode()
    return json.loads(element(html, "received-json")) if 'id="received-json"' in html else html


def test_it_keeps_one_visitor_s_refused_calls_off_another_s_sends(client, issued, target, api_on_live_server, settings):
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 2
    _token, plaintext = issued
    bad_callback = {"pasted_token": plaintext, "transport": "jsonp", "callback": "alert(1)", "as_typed": "on"}
    refused = [send_as(client, "198.51.100.7", **bad_callback)["reason"] for _ in range(3)]

    assert refused == ["invalid callback name", "invalid callback name", "rate limited"]
    assert send_as(client, "203.0.113.20", pasted_token=plaintext) == SEED_SUCCESS


def test_it_shows_only_the_headers_the_developer_sends_though_it_vouches_for_them(
    client, issued, target, api_on_live_server
):
    token, plaintext = issued
    response = client.post("/tester/", form_data(pasted_token=plaintext), REMOTE_ADDR="198.51.100.8")

    sent = element(response.content.decode(), "sent-request")
    assert "Host:" in sent and "Referer:" not in sent
    assert "X-CallbackNow-Visitor" not in sent
    assert ApiRequestLog.objects.get(token=token).client_ip == "198.51.100.8"  # vouched for all the same
