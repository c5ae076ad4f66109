"""`manage.py webhooks_sweep`: what a lost enqueue or a dead worker dropped goes back on the task queue, and
nothing that a live worker still holds. (test_workers.py runs it between a killed worker and a new one.)"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from api.models import CallRequest
from lib.phones import normalise
from webhooks import delivery
from webhooks.models import CALL_REQUEST_EVENTS, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db
REQUESTER = normalise("01010041004", "kr")


@pytest.fixture
def queue():
    """The test's own task queue, emptied before and after."""
    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.fixture
def event(target, token):
    WebhookEndpoint.add(token, "https://hooks.example.com/callbacknow", CALL_REQUEST_EVENTS)
    CallRequest.request_call(REQUESTER, target, "hi", token)
    return WebhookEvent.objects.get()


def queued(queue):
    return [(task.name, task.args) for task in queue.pending()]


def test_it_puts_back_a_delivery_whose_worker_died_once_its_lease_expired(queue, event):
    [delivery_id] = delivery.dispatch(event.pk)
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        state="delivering", lease_until=timezone.now() - timedelta(seconds=1)
    )

    call_command("webhooks_sweep")

    assert queued(queue) == [("deliver", (delivery_id,))]


def test_it_leaves_a_delivery_whose_worker_still_holds_its_lease(queue, event):
    [delivery_id] = delivery.dispatch(event.pk)
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        state="delivering", lease_until=timezone.now() + timedelta(seconds=20)
    )

    call_command("webhooks_sweep")

    assert queued(queue) == []


def test_it_puts_back_an_event_whose_enqueue_was_lost(queue, event, settings):
    WebhookEvent.objects.update(created_at=timezone.now() - timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS + 1))

    call_command("webhooks_sweep")

    assert queued(queue) == [("dispatch_event", (event.pk,))]


def test_it_leaves_an_event_just_committed_to_its_own_enqueue(queue, event):
    call_command("webhooks_sweep")

    assert queued(queue) == []
