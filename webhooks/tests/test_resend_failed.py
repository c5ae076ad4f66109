"""POST /webhooks/<id>/log/resend-failed/: every failed event since a time, sent again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def url(endpoint):
    return reverse("webhooks:resend_failed", args=[endpoint.public_id])


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def failed(endpoint, receiver, hours_ago):
    test = delivery.send_test_event(endpoint)
    receiver.status = 500
    delivery.attempt(test.pk)
    receiver.status = 200
    WebhookEvent.objects.filter(pk=test.event_id).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return test.event.public_id


def test_it_resends_the_failed_events_since_the_time_given(owner_client, endpoint, receiver, settings, immediate_queue):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = []
    old, recent, newest = failed(endpoint, receiver, 30), failed(endpoint, receiver, 5), failed(endpoint, receiver, 1)
    delivered = delivery.send_test_event(endpoint)
    delivery.attempt(delivered.pk)
    receiver.received.clear()

    response = owner_client.post(url(endpoint), {"since": local(timezone.now() - timedelta(hours=6))})

    assert response.status_code == 302
    assert sorted(r.headers["webhook-id"] for r in receiver.wait_for(2)) == sorted([recent, newest])
    states = dict(WebhookDelivery.objects.values_list("event__public_id", "state"))
    assert states == {old: "failed", recent: "delivered", newest: "delivered", delivered.event.public_id: "delivered"}
    assert "2 failed events are sent again." in owner_client.get(response.url).content.decode()


def test_it_refuses_a_time_to_come_in_both_languages(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = []
    failed(endpoint, receiver, 1)
    future = local(timezone.now() + timedelta(days=1))
    assert "Choose a time in the past." in owner_client.post(url(endpoint), {"since": future}).content.decode()
    korean = owner_client.post(url(endpoint), {"since": future}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "지나간 시각을 고르세요." in korean
    assert "Enter a valid date/time." in owner_client.post(url(endpoint), {"since": "yesterday"}).content.decode()
    assert WebhookDelivery.objects.get().state == "failed"


def test_it_offers_the_form_only_when_something_failed(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    log = reverse("webhooks:delivery_log", args=[endpoint.public_id])
    assert url(endpoint) not in owner_client.get(log).content.decode()
    settings.WEBHOOK_RETRY_DELAYS = []
    failed(endpoint, receiver, 1)
    page = owner_client.get(log).content.decode()
    assert url(endpoint) in page and 'type="datetime-local"' in page


def test_it_takes_no_get(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.get(url(endpoint)).status_code == 405
