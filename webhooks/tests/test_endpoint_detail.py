"""GET /webhooks/<id>/: the endpoint's settings, its secret masked, its latest deliveries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from webhooks import delivery


def url(endpoint):
    return reverse("webhooks:endpoint_detail", args=[endpoint.public_id])


def test_it_shows_the_endpoint_with_its_secret_masked(owner_client, endpoint, receiver):
    endpoint, secret = endpoint
    page = owner_client.get(url(endpoint)).content.decode()
    assert receiver.url in page and endpoint.public_id in page
    assert endpoint.masked_secret in page and secret not in page
    assert secret[6:] not in page  # nor the secret's base64 without its prefix
    assert reverse("webhooks:secret_reveal", args=[endpoint.public_id]) in page
    assert "Nothing sent yet" in page


def test_it_lists_the_latest_deliveries(owner_client, endpoint, receiver):
    endpoint, _ = endpoint
    delivery.attempt(delivery.send_test_event(endpoint).pk)
    page = owner_client.get(url(endpoint)).content.decode()
    assert "webhook.test" in page and 'data-state="delivered"' in page


def test_it_says_until_when_the_old_secret_signs(owner_client, endpoint):
    endpoint, _ = endpoint
    endpoint.roll_secret(3600)
    assert "still signs until" in owner_client.get(url(endpoint)).content.decode()
    endpoint.previous_secret_until = timezone.now() - timedelta(seconds=1)
    endpoint.save()
    assert "still signs until" not in owner_client.get(url(endpoint)).content.decode()


def test_it_explains_an_endpoint_disabled_for_failing(owner_client, endpoint):
    endpoint, _ = endpoint
    type(endpoint).objects.filter(pk=endpoint.pk).update(enabled=False, disabled_because="failing")
    page = owner_client.get(url(endpoint)).content.decode()
    assert "Every delivery failed for 3 days" in page
    assert "3일 동안 모든 전송이 실패해" in owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_it_takes_no_post(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.post(url(endpoint)).status_code == 405
