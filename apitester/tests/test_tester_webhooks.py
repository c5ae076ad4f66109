"""The test page shows the webhooks that a send produced: the events of its call request, each delivery's state,
linked to the endpoint's delivery log (the live API, the task queue running each task at once, a real receiver)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from standardwebhooks import Webhook

from tests.helpers import form_data
from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint
from webhooks.tests.receiver import Receiver


@pytest.fixture
def immediate_queue():
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def send(client, language="en", **fields):
    response = client.post("/tester/", form_data(**fields), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def events_shown(html):
    """[(event type, [delivery states])] as the result lists them."""
    listed = re.search(r'<ul class="webhook-events" id="webhook-events">(.*?)\n  </ul>', html, re.S)
    assert listed, "no webhook events on the page"
    items = re.findall(r'<li data-event="([\w.]+)">(.*?)\n    </li>', listed.group(1), re.S)
    return [(event, re.findall(r'data-state="(\w+)"', body)) for event, body in items]


def test_it_lists_the_events_of_the_call_request_sent(
    owner_client, issued, target, api_on_live_server, receiver, immediate_queue
):
    token, _ = issued
    endpoint, secret = WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)

    sent = send(owner_client, token=token.pk, action="callback")
    assert events_shown(sent) == [("call_request.created", ["delivered"])]
    log = reverse("webhooks:delivery_log", args=[endpoint.public_id])
    created = receiver.wait_for(1)[0]
    assert f'href="{log}#event-{created.headers["webhook-id"]}"' in sent
    assert Webhook(secret).verify(created.body, created.headers)["type"] == "call_request.created"

    cancelled = send(owner_client, token=token.pk, action="cancel")
    assert events_shown(cancelled) == [
        ("call_request.created", ["delivered"]),
        ("call_request.cancelled", ["delivered"]),
    ]
    korean = send(owner_client, "ko", token=token.pk, action="callback")
    assert "이 호출로 생긴 웹훅" in korean and "전달됨" in korean


def test_it_says_when_the_token_has_no_endpoint(owner_client, issued, target, api_on_live_server):
    token, _ = issued
    html = send(owner_client, token=token.pk, action="callback")
    assert "None: this token has no webhook endpoint." in html
    assert reverse("webhooks:endpoint_list", args=[token.pk]) in html


def test_it_shows_nothing_of_webhooks_for_a_failed_call_or_a_pasted_token(
    owner_client, issued, target, api_on_live_server, receiver
):
    token, plaintext = issued
    WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)
    failed = send(owner_client, token=token.pk, action="callback", target_number="01099999999")
    assert 'data-outcome="failed"' in failed and "webhook-events" not in failed
    pasted = send(Client(), pasted_token=plaintext, host="example.com", action="callback")
    assert 'data-outcome="success"' in pasted and "webhook-events" not in pasted
