"""Fixtures of the docs page's tests: the API's demo target and a live token for round trips."""

import pytest

from api import demo


@pytest.fixture
def demo_target(db):
    """The seed's example target 01011111111/kr (SRTelecom, ID airpagephone), as `make run` loads it."""
    demo.load(None)


@pytest.fixture
def live_token(transactional_db, live_server, demo_target, issued):
    """(base URL, plaintext) of an active token for example.com, with the demo target registered, on a live server."""
    return live_server.url, issued[1]
