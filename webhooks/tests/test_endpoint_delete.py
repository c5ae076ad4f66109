"""GET/POST /webhooks/<id>/delete/: asks first, then deletes the endpoint and its log."""

from django.urls import reverse

from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint


def url(endpoint):
    return reverse("webhooks:endpoint_delete", args=[endpoint.public_id])


def test_it_asks_before_deleting(owner_client, endpoint):
    endpoint, _ = endpoint
    page = owner_client.get(url(endpoint)).content.decode()
    assert "Delete the endpoint" in page and endpoint.url in page
    assert "삭제할까요?" in owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_it_deletes_the_endpoint_and_its_log(owner_client, endpoint, token):
    endpoint, _ = endpoint
    delivery.send_test_event(endpoint)
    response = owner_client.post(url(endpoint))
    assert response.status_code == 302 and response.url == reverse("webhooks:endpoint_list", args=[token.pk])
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    token.refresh_from_db()
    assert token.webhook_event_types == []
    assert "is deleted, with its delivery log" in owner_client.get(response.url).content.decode()


def test_it_takes_no_put(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.put(url(endpoint)).status_code == 405
