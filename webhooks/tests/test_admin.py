"""The webhooks in the admin: staff read endpoints (never their secret), events and deliveries; nobody writes."""

import pytest
from django.urls import reverse

from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def delivered(endpoint, receiver):
    """(endpoint, secret, delivery) with one attempt, answered 200 "ok"."""
    endpoint, secret = endpoint
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)
    return endpoint, secret, WebhookDelivery.objects.get(pk=test.pk)


def pages(endpoint, sent):
    """Every admin page of the webhooks: the lists and each record's page."""
    event = sent.event
    return [
        reverse("admin:webhooks_webhookendpoint_changelist"),
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_webhookevent_changelist"),
        reverse("admin:webhooks_webhookevent_change", args=[event.pk]),
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_change", args=[sent.pk]),
    ]


def test_it_shows_staff_everything_but_the_secret(staff_client, delivered, receiver):
    endpoint, secret, sent = delivered
    endpoint.roll_secret(3600)  # the previous secret is kept too, encrypted: neither may show
    texts = [staff_client.get(url).content.decode() for url in pages(endpoint, sent)]
    for text in texts:
        assert secret not in text and secret[6:] not in text
        assert endpoint.secret() not in text and endpoint.secret_encrypted not in text
    endpoint_list, endpoint_page, event_list, event_page, delivery_list, delivery_page = texts
    assert receiver.url in endpoint_list and endpoint.masked_secret in endpoint_page
    assert sent.event.public_id in event_list and sent.event.body.replace('"', "&quot;") in event_page
    assert "Delivered" in delivery_list
    assert "200" in delivery_page and "ok" in delivery_page


def test_it_is_read_only(staff_client, delivered):
    endpoint, secret, sent = delivered
    change = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    assert staff_client.post(change, {"url": "https://evil.example/"}).status_code == 403
    for model in ("webhookendpoint", "webhookevent", "webhookdelivery"):
        assert staff_client.get(reverse(f"admin:webhooks_{model}_add")).status_code == 403
    delete = reverse("admin:webhooks_webhookendpoint_delete", args=[endpoint.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).url == endpoint.url != "https://evil.example/"


def test_it_is_not_for_developers(owner_client, delivered):
    endpoint, _secret, sent = delivered
    for url in pages(endpoint, sent):
        response = owner_client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url
