"""Remembered tokens (api.callers): a token revoked, suspended or rolled on one machine is refused on every
other within a second, although each server process keeps the tokens it read (issue 14)."""

import os
import time

import pytest
import requests

from bench.load import Server, server_env
from tests.helpers import SEED_SUCCESS, failed, url_of_test_database
from tests.tokens import server_token

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "/{value}/callback/01010041004/kr/01011111111/kr/hi"


@pytest.fixture(scope="module")
def other_machines(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two server processes (runserver) on the test database and Redis: two other machines."""
    with django_db_blocker.unblock():
        url = url_of_test_database()
    servers = []
    try:
        for name in ("a", "b"):
            var = tmp_path_factory.mktemp(f"server-{name}")
            env = server_env(url, os.environ.get("REDIS_URL"), VAR_DIR=str(var))
            servers.append(Server("runserver", env, log_path=var / "server.log"))
        yield [server.wait_until_up() for server in servers]
    finally:
        for server in servers:
            server.stop()


def answer(server, value):
    return requests.get(server.url + CALLBACK.format(value=value), timeout=5).json()


@pytest.mark.parametrize(
    "change, refusal",
    [
        (lambda token: token.revoke(), failed("token not active")),
        (lambda token: token.suspend("abuse"), failed("token not active")),
        (lambda token: token.roll(grace_seconds=0), failed("unknown token")),
    ],
    ids=["revoked", "suspended", "rolled"],
)
def test_it_refuses_a_changed_token_on_every_other_machine_within_a_second(
    other_machines, developer, target, change, refusal
):
    token, value = server_token(developer, "My site", "example.com")
    for server in other_machines:  # each has read the token and keeps it now
        assert [answer(server, value) for _ in range(3)] == [SEED_SUCCESS] * 3

    change(token)
    changed_at = time.monotonic()
    refused_after = {}
    while len(refused_after) < len(other_machines) and time.monotonic() - changed_at < 5:
        for server in other_machines:
            if server.url not in refused_after and answer(server, value) != SEED_SUCCESS:
                refused_after[server.url] = (time.monotonic() - changed_at, answer(server, value))

    assert len(refused_after) == len(other_machines)
    for seconds, refused in refused_after.values():
        assert refused == refusal
        assert seconds < 1.0


def test_it_admits_a_new_token_at_once_on_every_machine(other_machines, developer, target):
    assert [answer(server, "cbn_NotIssuedYet0123456789abcdef") for server in other_machines] == [
        failed("unknown token")
    ] * 2

    token, value = server_token(developer, "My site", "example.com")

    assert [answer(server, value) for server in other_machines] == [SEED_SUCCESS] * 2
