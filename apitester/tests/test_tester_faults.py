"""An API that is unreachable, silent, or answers something that is not its JSON: shown as such, never a 500."""

from html import unescape

import pytest

from apitester.models import SentRequest
from tests.helpers import element, form_data


def send(client, token, **fields):
    response = client.post("/tester/", form_data(token=token.pk, **fields))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("transport", ["get", "post"])
def test_it_shows_an_unreachable_api(owner_client, issued, settings, closed_port_url, transport):
    settings.API_BASE_URL = closed_port_url
    html = send(owner_client, issued[0], transport=transport)
    assert 'data-outcome="unreachable"' in html
    assert "could not be reached" in html
    assert 'id="received-response"' not in html
    assert element(html, "sent-request").split()[0] == ("POST" if transport == "post" else "GET")
    assert SentRequest.objects.get().outcome == "unreachable"


def test_it_stops_waiting_for_an_api_that_never_answers(owner_client, issued, settings, silent_server):
    settings.API_BASE_URL = silent_server
    settings.API_TESTER_TIMEOUT_SECONDS = 0.5
    html = send(owner_client, issued[0])
    assert 'data-outcome="timeout"' in html
    assert "did not answer within 0.5 seconds" in html
    entry = SentRequest.objects.get()
    assert entry.outcome == "timeout" and entry.status is None
    assert 400 <= entry.elapsed_ms < 3000


def test_it_shows_an_answer_that_is_not_json(owner_client, issued, settings, answering_server):
    page = b"<html><body><h1>502 Bad Gateway</h1>\xff</body></html>"
    settings.API_BASE_URL = answering_server(502, [("Content-Type", "text/html")], page)
    html = send(owner_client, issued[0], transport="jsonp")
    assert 'data-outcome="not_json"' in html
    assert "not the API's JSON" in unescape(html)
    response = element(html, "received-response")
    assert response.startswith("HTTP/1.0 502 Bad Gateway")
    assert "Content-Type: text/html" in response
    assert response.endswith("<html><body><h1>502 Bad Gateway</h1>\\xff</body></html>")
    assert 'id="received-json"' not in html
    assert SentRequest.objects.get().outcome == "not_json"


def test_it_shows_a_redirect_without_following_it(owner_client, issued, settings, answering_server, sent_urls):
    settings.API_BASE_URL = answering_server(302, [("Location", "http://169.254.169.254/latest/meta-data/")])
    html = send(owner_client, issued[0])
    assert 'data-outcome="not_json"' in html
    assert "Location: http://169.254.169.254/latest/meta-data/" in element(html, "received-response")
    assert len(sent_urls) == 1 and sent_urls[0].startswith(settings.API_BASE_URL)


def test_it_stops_reading_an_endless_answer(owner_client, issued, settings, answering_server):
    settings.API_BASE_URL = answering_server(200, [("Content-Type", "application/json")], b"[" + b"1," * 200_000)
    html = send(owner_client, issued[0])
    assert "only the beginning is shown" in html
    assert 'data-outcome="not_json"' in html


def test_it_says_so_when_its_api_address_is_misconfigured(owner_client, issued, settings, sent_urls):
    settings.API_BASE_URL = "ftp://files.example.com/"
    html = send(owner_client, issued[0])
    assert 'data-outcome="misconfigured"' in html
    assert sent_urls == []


@pytest.mark.parametrize("wildcard", ["*", ".example"])
def test_it_will_not_trust_the_host_header_when_any_host_is_allowed(
    owner_client, issued, settings, sent_urls, wildcard
):
    settings.DEBUG, settings.API_BASE_URL = True, ""
    settings.ALLOWED_HOSTS = [wildcard]
    response = owner_client.post("/tester/", form_data(token=issued[0].pk), headers={"Host": "evil.example"})
    assert 'data-outcome="misconfigured"' in response.content.decode()
    assert sent_urls == []


def test_it_will_not_send_to_another_port_named_in_the_host_header(client, issued, settings, sent_urls):
    """ALLOWED_HOSTS ignores the port: Host: 127.0.0.1:9931 must not aim the page at another local service."""
    settings.DEBUG, settings.API_BASE_URL = True, ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    _, plaintext = issued
    response = client.post("/tester/", form_data(pasted_token=plaintext), headers={"Host": "127.0.0.1:9931"})
    assert 'data-outcome="misconfigured"' in response.content.decode()
    assert sent_urls == []


def test_it_needs_its_api_address_set_in_production(owner_client, issued, settings, sent_urls):
    settings.DEBUG, settings.API_BASE_URL = False, ""
    response = owner_client.post("/tester/", form_data(token=issued[0].pk))
    assert 'data-outcome="misconfigured"' in response.content.decode()
    assert sent_urls == []
