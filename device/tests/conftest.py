"""Fixtures of the device API's tests: the demo subscriber's phone and its key, another subscriber, requests to them."""

import os

import pytest

from api.models import CallRequest, Subscriber
from bench.load import Server, server_env
from device.models import DeviceKey
from tests.helpers import REQUESTER, bearer, url_of_test_database


@pytest.fixture
def issued_key(target):
    """(key, plaintext): a device key for the demo subscriber's phone."""
    return DeviceKey.issue(target, "Test phone")


@pytest.fixture
def phone(client, issued_key):
    """A test client that sends the demo subscriber's device key with every call."""
    client.defaults.update(bearer(issued_key[1]))
    return client


@pytest.fixture
def other_subscriber(db):
    return Subscriber.register("01022223333", "kr", "KT")


@pytest.fixture
def send(token):
    """Sends a call request to a subscriber as the developer's token does: send(subscriber, message, requester)."""

    def send_call_request(subscriber, message="please call", requester=REQUESTER):
        return CallRequest.request_call(requester, subscriber, message, token)[0]

    return send_call_request


@pytest.fixture
def token(issued):
    return issued[0]


@pytest.fixture
def second_server(transactional_db, tmp_path):
    """Another server process (runserver) on the same database and Redis as the live server: another machine."""
    yield from _server("runserver", tmp_path)


@pytest.fixture
def phone_server(transactional_db, tmp_path):
    """One phone server of the production layout (uvicorn on portal.asgi: the device API's waits on its event loop),
    on the same database and Redis as the live server, in a process of its own."""
    yield from _server("uvicorn", tmp_path)


@pytest.fixture
def phone_server_of_two(transactional_db, tmp_path):
    """A phone server that holds at most two waiting connections in all (DEVICE_HELD_CONNECTIONS_PER_PROCESS=2)."""
    yield from _server("uvicorn", tmp_path, DEVICE_HELD_CONNECTIONS_PER_PROCESS="2")


def _server(kind, tmp_path, **settings):
    env = server_env(url_of_test_database(), os.environ.get("REDIS_URL"), VAR_DIR=str(tmp_path / "var"), **settings)
    server = Server(kind, env, log_path=tmp_path / f"{kind}.log")
    try:
        yield server.wait_until_up()
    finally:
        server.stop()


@pytest.fixture
def stream():
    """Opens event streams (device.tests.events.EventStream) and closes them after the test."""
    from device.tests.events import EventStream

    opened = []

    def open_stream(*args, **kwargs):
        opened.append(EventStream(*args, **kwargs))
        return opened[-1]

    yield open_stream
    for each in opened:
        each.close()


@pytest.fixture
def push_standin(settings, tmp_path):
    """The local stand-ins for FCM, APNs and Web Push (tests.push_standins), every channel's settings pointing at
    them; the channels' cached credentials and clients dropped before and after."""
    from tests.push_standins import StandIn

    standin = StandIn(tmp_path / "push").start()
    for name, value in standin.settings().items():
        setattr(settings, name, value)
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    _forget_push_state()
    yield standin
    _forget_push_state()  # the clients' connections closed first: the stand-in then stops at once
    standin.stop()


def _forget_push_state():
    from device.push import apns, fcm, providers, triggers, webpush

    fcm._credentials.clear()
    apns._token.clear()
    webpush._vapid.cache_clear()
    for client in providers._clients.values():
        client.close()
    providers._clients.clear()
    triggers._memo.clear()
