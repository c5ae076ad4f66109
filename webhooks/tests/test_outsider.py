"""Another developer gets 404 on every webhook URL, in every method, and changes nothing; visitors sign in first."""

import pytest
from django.urls import reverse

from tests.helpers import reauthenticate
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.receiver import Receiver

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]
TOKEN_URLS = ["endpoint_list", "endpoint_add"]
ENDPOINT_URLS = [
    "endpoint_detail",
    "endpoint_edit",
    "endpoint_delete",
    "secret_reveal",
    "secret_issued",
    "secret_roll",
    "send_test",
    "delivery_log",
    "resend_failed",
]
DATA = {
    "url": "https://93.184.215.14/stolen",
    "events": ["call_request.created"],
    "enabled": "",
    "overlap_seconds": 0,
    "since": "2020-01-01T00:00",
}


@pytest.fixture
def sent(endpoint):
    """The owner's endpoint with a test event already in its log."""
    from webhooks import delivery

    endpoint, secret = endpoint
    return endpoint, secret, delivery.send_test_event(endpoint)


def every_url(token, endpoint, test_delivery):
    urls = [reverse(f"webhooks:{name}", args=[token.pk]) for name in TOKEN_URLS]
    urls += [reverse(f"webhooks:{name}", args=[endpoint.public_id]) for name in ENDPOINT_URLS]
    urls.append(reverse("webhooks:resend_event", args=[endpoint.public_id, test_delivery.event.public_id]))
    return urls


def assert_unchanged(token, endpoint, secret, receiver):
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.enabled, endpoint.secret()) == (receiver.url, True, secret)
    assert WebhookEndpoint.objects.for_token(token).count() == 1
    assert WebhookDelivery.objects.get().attempt_count == 0
    assert receiver.received == []


@pytest.mark.parametrize("method", METHODS)
def test_it_is_not_found_for_an_outsider(outsider_client, token, sent, receiver, method):
    endpoint, secret, test_delivery = sent
    for url in every_url(token, endpoint, test_delivery):
        response = getattr(outsider_client, method)(url, DATA)
        assert response.status_code == 404, (method, url)
    assert_unchanged(token, endpoint, secret, receiver)


def test_it_is_not_found_for_an_outsider_even_after_reauthentication(outsider_client, token, sent, receiver, password):
    endpoint, secret, test_delivery = sent
    for url in every_url(token, endpoint, test_delivery):
        response = reauthenticate(outsider_client, password, url)
        assert secret not in response.content.decode()
        assert outsider_client.post(url, DATA).status_code == 404
    assert_unchanged(token, endpoint, secret, receiver)


def test_it_finds_no_event_of_another_endpoint(owner_client, token, sent):
    endpoint, _secret, test_delivery = sent
    other = Receiver()
    try:
        second, _ = WebhookEndpoint.add(token, other.url, ["call_request.created"])
        url = reverse("webhooks:resend_event", args=[second.public_id, test_delivery.event.public_id])
        assert owner_client.post(url).status_code == 404
        unknown = reverse("webhooks:resend_event", args=[endpoint.public_id, "msg_nosuchevent"])
        assert owner_client.post(unknown).status_code == 404
    finally:
        other.stop()


def test_it_sends_visitors_to_sign_in(client, token, sent):
    endpoint, _secret, test_delivery = sent
    for url in every_url(token, endpoint, test_delivery):
        response = client.post(url, DATA)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
