"""The x-webhooks section of /openapi.json: one entry per event, its schema and example, and real events agree."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import CallRequest
from docs.tests.schema import errors
from lib.phones import normalise
from webhooks import delivery
from webhooks.models import EventType, WebhookEvent

REQUESTER = normalise("01010041004", "kr")


@pytest.fixture
def document(client):
    return client.get("/openapi.json", HTTP_ACCEPT_LANGUAGE="ko").json()


def body_schema(document, event_type):
    return document["x-webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]


def keys(value):
    """The nested key structure of a JSON value (lists by their first item)."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def test_it_describes_every_event_under_x_webhooks_in_english(document):
    assert document["openapi"] == "3.0.3" and "webhooks" not in document  # 3.1's key: not valid in 3.0
    assert list(document["x-webhooks"]) == [event.value for event in EventType]
    assert {"name": "Webhooks"}.items() <= next(t for t in document["tags"] if t["name"] == "Webhooks").items()
    for name, item in document["x-webhooks"].items():
        operation = item["post"]
        assert operation["tags"] == ["Webhooks"] and operation["summary"] == name
        assert [p["name"] for p in operation["parameters"]] == ["webhook-id", "webhook-timestamp", "webhook-signature"]
        assert set(operation["responses"]) == {"2XX", "default"}
        assert "토큰" not in json.dumps(item, ensure_ascii=False)


def test_it_gives_an_example_per_event_that_its_schema_accepts(document):
    for name in document["x-webhooks"]:
        content = body_schema(document, name)
        assert content["example"]["type"] == name
        assert errors(document, content["schema"], content["example"]) == [], name
        other = "webhook.test" if name != "webhook.test" else "call_request.created"
        assert errors(document, content["schema"], body_schema(document, other)["example"]), (name, other)


@pytest.mark.django_db(transaction=True)
def test_it_describes_the_events_a_call_request_s_life_really_sends(document, target, endpoint, receiver):
    endpoint, _ = endpoint
    token = endpoint.token
    answered = CallRequest.request_call(REQUESTER, target, "hello world", token)[0]
    answered.mark_delivered()
    answered.mark_seen()
    answered.answer()
    CallRequest.request_call(REQUESTER, target, "again", token)[0].decline()
    CallRequest.request_call(REQUESTER, target, "and again", token)
    CallRequest.cancel_open(REQUESTER, target, token)
    expiring = CallRequest.request_call(REQUESTER, target, "once more", token)[0]
    target.public_id = None  # a target without a CallbackNow ID: data.target.id is null
    target.save()
    CallRequest.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert CallRequest.objects.expire_due() == 1
    delivery.attempt(delivery.send_test_event(endpoint).pk)

    bodies = [json.loads(event.body) for event in WebhookEvent.objects.order_by("pk")]
    assert {body["type"] for body in bodies} == {event.value for event in EventType}
    for body in bodies:
        content = body_schema(document, body["type"])
        assert errors(document, content["schema"], body) == [], body
        assert keys(body) == keys(content["example"]), body["type"]
    assert bodies[-2]["data"]["target"]["id"] is None

    headers = receiver.wait_for(1)[0].headers
    for parameter in document["x-webhooks"]["webhook.test"]["post"]["parameters"]:
        assert re.match(parameter["schema"]["pattern"], headers[parameter["name"]]), parameter["name"]
