"""POST /webhooks/<id>/test/: a webhook.test event to this endpoint, through the task queue, to a real receiver."""

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


def url(endpoint):
    return reverse("webhooks:send_test", args=[endpoint.public_id])


def test_it_delivers_a_signed_test_event(owner_client, endpoint, receiver, immediate_queue):
    endpoint, secret = endpoint
    response = owner_client.post(url(endpoint))
    assert response.status_code == 302 and response.url == reverse("webhooks:delivery_log", args=[endpoint.public_id])

    received = receiver.wait_for(1)[0]
    payload = Webhook(secret).verify(received.body, received.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"] == {"endpoint": endpoint.public_id, "message": "This is a test event from CallbackNow."}
    sent = WebhookDelivery.objects.get()
    assert (sent.state, sent.attempt_count, sent.event.public_id) == ("delivered", 1, received.headers["webhook-id"])
    log = owner_client.get(response.url).content.decode()
    assert "A test event is on its way" in log and 'data-state="delivered"' in log


def test_it_reaches_only_this_endpoint(owner_client, endpoint, receiver, token, immediate_queue):
    endpoint, _ = endpoint
    WebhookEndpoint.add(token, receiver.url + "/other", ["call_request.created"])
    owner_client.post(url(endpoint))
    assert [r.path for r in receiver.wait_for(1)] == ["/hooks"]
    assert WebhookDelivery.objects.get().endpoint == endpoint


def test_it_sends_nothing_to_a_disabled_endpoint(owner_client, endpoint, receiver, immediate_queue):
    endpoint, _ = endpoint
    endpoint.change(endpoint.url, endpoint.events, enabled=False)
    response = owner_client.post(url(endpoint), follow=True)
    assert "The endpoint is disabled: enable it first" in response.content.decode()
    assert not WebhookDelivery.objects.exists() and receiver.received == []


def test_it_takes_no_get(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.get(url(endpoint)).status_code == 405
