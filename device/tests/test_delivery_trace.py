"""The delivery trace: how each call request reached the phone. The long poll or event stream that handed it over
(device.inbox) and each push attempt (device.push.sending) are recorded; the API's status call answers them as
`delivery`, after the seed's fields, and the delivered webhook names the path."""

import json
import re

import pytest
from django.test import Client

from api.models import CallRequest
from device.models import DeliveryStep, PushTarget
from device.push import sending
from tests.helpers import REQUESTER
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def status(value, public_id):
    return Client().get(f"/{value}/status/{public_id}").json()


def test_the_long_poll_that_delivers_a_request_is_in_its_trace(phone, issued_key, target, send):
    call_request = send(target)

    phone.get("/device/v1/call-requests")

    step = DeliveryStep.objects.get(call_request=call_request)
    assert (step.path, step.outcome, step.device_key) == ("long_poll", "delivered", issued_key[0])
    call_request.refresh_from_db()
    assert (call_request.state, step.at) == ("delivered", call_request.updated_at)


def test_a_request_delivered_once_has_one_hand_over(phone, target, send):
    call_request = send(target)

    phone.get("/device/v1/call-requests")
    phone.get("/device/v1/call-requests")

    assert DeliveryStep.objects.filter(call_request=call_request).count() == 1


def test_the_status_call_answers_the_pushes_and_the_hand_over(phone, push_standin, issued_key, issued, target, send):
    value = issued[1]
    PushTarget.register(issued_key[0], "webpush", json.dumps(push_standin.subscription().as_json()), "…")
    call_request = send(target)
    for job in sending.plan(target.pk):
        sending.attempt(job)
    phone.get("/device/v1/call-requests")

    body = status(value, call_request.public_id)

    pushed, handed = body["delivery"]
    assert list(body)[-1] == "delivery"
    assert (pushed["path"], pushed["action"], pushed["outcome"], pushed["status"]) == ("webpush", "send", "sent", 201)
    assert pushed["answer"].startswith(push_standin.base_url + "/messages/")
    assert (handed["path"], handed["outcome"]) == ("long_poll", "delivered")
    assert ISO_MS.match(pushed["at"]) and ISO_MS.match(handed["at"])


def test_the_delivered_webhook_names_the_path(phone, issued, target, token):
    WebhookEndpoint.add(token, "https://hooks.example.com/cbn", ["call_request.delivered"])
    token.refresh_from_db()
    call_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]

    phone.get("/device/v1/call-requests")

    event = WebhookEvent.objects.get(type="call_request.delivered", subject=call_request.public_id)
    assert json.loads(event.body)["data"]["delivered_by"] == "long_poll"


def test_the_event_stream_that_delivers_a_request_is_in_its_trace(issued_key, target, send):
    from device import inbox

    call_request = send(target)

    inbox.changed_since(target, None, issued_key[0])  # what the stream reads before each batch of events

    step = DeliveryStep.objects.get(call_request=call_request)
    assert (step.path, step.outcome, step.device_key) == ("stream", "delivered", issued_key[0])
