"""Fixtures of the webhooks' tests: the seed's demo target and the developer's token."""

import pytest

from api import demo
from api.models import Subscriber


@pytest.fixture
def target(db):
    demo.load(None)
    return Subscriber.objects.get(public_id="airpagephone")


@pytest.fixture
def token(issued):
    return issued[0]


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1 (webhooks.tests.receiver), stopped after the test."""
    from webhooks.tests.receiver import Receiver

    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(token, receiver):
    """(endpoint, its secret): the token's endpoint at the receiver, listening to every call request event."""
    from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint

    return WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)


@pytest.fixture
def immediate_queue():
    """The task queue runs each task as it is enqueued, in the enqueuing thread (a delayed retry waits in memory):
    a page's enqueue after commit delivers at once, as a worker would a moment later."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False
