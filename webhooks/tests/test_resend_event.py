"""POST /webhooks/<id>/log/<webhook-id>/resend/: one event again, with its webhook-id and a fresh timestamp."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def url(endpoint, message_id):
    return reverse("webhooks:resend_event", args=[endpoint.public_id, message_id])


def failed_an_hour_ago(endpoint, receiver, settings):
    """A test event of an hour ago whose only attempt failed."""
    settings.WEBHOOK_RETRY_DELAYS = []
    receiver.status = 500
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)
    receiver.status = 200
    WebhookEvent.objects.filter(pk=test.event_id).update(created_at=timezone.now() - timedelta(hours=1))
    test.refresh_from_db()
    assert test.state == "failed"
    return test


def test_it_delivers_the_event_again_signed_for_now(owner_client, endpoint, receiver, settings, immediate_queue):
    endpoint, secret = endpoint
    test = failed_an_hour_ago(endpoint, receiver, settings)

    response = owner_client.post(url(endpoint, test.event.public_id))

    assert response.status_code == 302 and response.url == reverse("webhooks:delivery_log", args=[endpoint.public_id])
    first, again = receiver.wait_for(2)
    assert again.headers["webhook-id"] == first.headers["webhook-id"] == test.event.public_id
    assert again.body == first.body == test.event.body
    # A receiver refuses a timestamp more than 5 minutes old: the resend is signed with its own time.
    assert Webhook(secret).verify(again.body, again.headers)["type"] == "webhook.test"
    test.refresh_from_db()
    assert (test.state, test.attempt_count) == ("delivered", 2)
    assert f"Event {test.event.public_id} is sent again." in owner_client.get(response.url).content.decode()


def test_it_asks_before_resending_a_delivered_event(owner_client, endpoint, receiver, immediate_queue):
    endpoint, _ = endpoint
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)

    asked = owner_client.post(url(endpoint, test.event.public_id))
    assert asked.status_code == 200 and 'id="resend-confirm"' in asked.content.decode()
    assert (
        "전달되었습니다. 다시 보낼까요?"
        in owner_client.post(url(endpoint, test.event.public_id), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    )
    assert WebhookDelivery.objects.get().attempt_count == 1  # nothing sent yet

    owner_client.post(url(endpoint, test.event.public_id), {"confirm": "yes"})
    assert len(receiver.wait_for(2)) == 2
    assert WebhookDelivery.objects.get().attempt_count == 2


def test_it_leaves_a_delivery_in_progress_alone(owner_client, endpoint, receiver, immediate_queue):
    endpoint, _ = endpoint
    test = delivery.send_test_event(endpoint)
    WebhookDelivery.objects.filter(pk=test.pk).update(
        state="delivering", lease_until=timezone.now() + timedelta(minutes=1)
    )
    response = owner_client.post(url(endpoint, test.event.public_id), follow=True)
    assert "is being sent right now" in response.content.decode()
    assert receiver.received == [] and WebhookDelivery.objects.get().state == "delivering"


def test_it_sends_nothing_to_a_disabled_endpoint(owner_client, endpoint, receiver, settings, immediate_queue):
    endpoint, _ = endpoint
    test = failed_an_hour_ago(endpoint, receiver, settings)
    endpoint.change(endpoint.url, endpoint.events, enabled=False)
    response = owner_client.post(url(endpoint, test.event.public_id), follow=True)
    assert "enable it first, then resend" in response.content.decode()
    assert len(receiver.received) == 1 and WebhookDelivery.objects.get().state == "failed"


def test_it_takes_no_get(owner_client, endpoint):
    endpoint, _ = endpoint
    test = delivery.send_test_event(endpoint)
    assert owner_client.get(url(endpoint, test.event.public_id)).status_code == 405
