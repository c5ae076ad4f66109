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
