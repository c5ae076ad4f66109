"""Test events and resends are limited per endpoint and per account (webhooks.models.ManualSend)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from webhooks import delivery
from webhooks.models import ManualSend, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


def send_test(client, endpoint, **extra):
    return client.post(reverse("webhooks:send_test", args=[endpoint.public_id]), follow=True, **extra)


def test_it_refuses_a_test_event_past_the_endpoints_allowance_and_says_when(
    owner_client, endpoint, receiver, settings, immediate_queue
):
    endpoint, _ = endpoint
    settings.WEBHOOK_MANUAL_SENDS_PER_ENDPOINT_PER_HOUR = 3
    for _ in range(3):
        send_test(owner_client, endpoint)
    assert len(receiver.wait_for(3)) == 3

    refused = send_test(owner_client, endpoint).content.decode()
    assert "Too many test events and resends this hour: try again in 60 minutes" in refused
    korean = send_test(owner_client, endpoint, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "60분 뒤에 다시" in korean
    assert WebhookDelivery.objects.count() == 3

    # The oldest leaves the window: one more is allowed.
    first = ManualSend.objects.order_by("created_at").first()
    ManualSend.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    assert "A test event is on its way" in send_test(owner_client, endpoint).content.decode()


def test_it_counts_resends_and_test_events_of_every_endpoint_of_the_account(
    owner_client, endpoint, receiver, token, settings, immediate_queue
):
    endpoint, _ = endpoint
    other = WebhookEndpoint.add(token, receiver.url + "/other", ["call_request.created"])[0]
    settings.WEBHOOK_MANUAL_SENDS_PER_ACCOUNT_PER_HOUR = 2
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)

    send_test(owner_client, other)
    resend = reverse("webhooks:resend_event", args=[endpoint.public_id, test.event.public_id])
    owner_client.post(resend, {"confirm": "yes"})
    refused = owner_client.post(resend, {"confirm": "yes"}, follow=True).content.decode()

    assert "Too many test events and resends this hour" in refused
    assert WebhookDelivery.objects.get(pk=test.pk).attempt_count == 2  # the first resend only
