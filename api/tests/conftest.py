"""Fixtures of the API's tests: the caller's token and its plaintext, the demo target's pending requests."""

import pytest

from api.models import CallRequest


@pytest.fixture
def token(issued):
    return issued[0]


@pytest.fixture
def value(issued):
    """The plaintext of the developer's active token for example.com."""
    return issued[1]


@pytest.fixture
def pending(target):
    """The demo target's pending call requests."""
    return CallRequest.objects.filter(target=target, state=CallRequest.State.PENDING)
