"""What the test page must never show: a token in what comes back, others' requests through a dead token."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from apitester.models import SentRequest
from tests.helpers import element, form_data


def test_it_masks_the_token_in_an_answer_that_echoes_it(owner_client, issued, settings, answering_server):
    """A gateway at the API address may echo the request path: status line, headers, reason and JSON."""
    token, plaintext = issued
    path = f"/{plaintext}/callback/01010041004/kr/01011111111/kr/x"
    body = json.dumps({"result": "failed", "reason": f"no route for {path}"}).encode()
    settings.API_BASE_URL = answering_server(
        404, [("Content-Type", "application/json"), ("X-Request-Path", path)], body
    )
    html = owner_client.post("/tester/", form_data(token=token.pk, message="x")).content.decode()
    assert 'data-outcome="failed"' in html
    assert plaintext not in html
    assert f"X-Request-Path: /{token.masked}/callback/" in element(html, "received-response")
    assert f"no route for /{token.masked}/callback/" in element(html, "received-json")
    entry = SentRequest.objects.get()
    assert plaintext not in entry.reason and plaintext not in entry.response_body
    assert owner_client.get("/tester/").content.decode().count(plaintext) == 0  # the history row


@pytest.mark.parametrize("afterwards", ["revoke", "grace over"])
def test_it_shows_no_pending_requests_through_a_token_the_api_no_longer_accepts(
    owner_client, issued, target, api_on_live_server, afterwards
):
    token, plaintext = issued
    html = owner_client.post("/tester/", form_data(token=token.pk, message="meet me at 9")).content.decode()
    assert "meet me at 9" in element(html, "pending-requests")
    if afterwards == "revoke":
        token.revoke()
    else:  # rolled with an hour's grace, and the hour has passed
        token.roll(3600)
        ApiToken.objects.filter(pk=token.pk).update(previous_valid_until=timezone.now() - timedelta(seconds=1))
    visitor = Client()
    html = visitor.post("/tester/", form_data(pasted_token=plaintext, message="hi")).content.decode()
    assert json.loads(element(html, "received-json"))["result"] == "failed"
    assert "meet me at 9" not in html
    assert "+821010041004" not in html
