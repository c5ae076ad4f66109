"""A bounded load on the Open API through a real server: no 5xx, no "database is locked", the books balance.

On SQLite the default server (`manage.py runserver`, threaded) serves the test database; on PostgreSQL
with Redis, scripts/serve-production.sh (gunicorn, three workers, DEBUG off). bench/load.py runs the
same load, larger, and prints the figures.
"""

import os
import secrets

import pytest
from django.test import override_settings

from bench.load import Server, account, prepare, run_load, server_env
from tests.helpers import url_of_test_database

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 210
CONCURRENCY = 8


@pytest.fixture
def loaded_server(tmp_path):
    """(plan, server): tokens and subscribers in the test database, and a server in front of it."""
    url = url_of_test_database()
    on_postgres = url.startswith("postgres") and os.environ.get("REDIS_URL")
    key = secrets.token_urlsafe(40) if on_postgres else None
    with override_settings(**({"TOKEN_ENCRYPTION_KEY": key} if key else {})):
        plan = prepare()
    if on_postgres:
        env = server_env(
            url,
            os.environ["REDIS_URL"],
            production=True,
            TOKEN_ENCRYPTION_KEY=key,
            RUN_MIGRATIONS="0",
            VAR_DIR=str(tmp_path / "var"),
            STATIC_ROOT=str(tmp_path / "static"),
        )
        server = Server("gunicorn", env, workers=3, log_path=tmp_path / "server.log")
    else:
        env = server_env(url, VAR_DIR=str(tmp_path / "var"))
        server = Server("runserver", env, log_path=tmp_path / "server.log")
    try:
        yield plan, server.wait_until_up()
    finally:
        server.stop()


def test_it_answers_every_call_and_accounts_for_each_one(loaded_server):
    plan, server = loaded_server

    sent = run_load(server.url, plan, REQUESTS, CONCURRENCY, time_budget=90)
    server.stop()
    books = account(sent, server.output())

    assert books.sent == REQUESTS
    assert books.server_errors == 0
    assert books.connection_errors == 0
    assert books.unexpected == []
    assert books.server_output_problems == []  # no traceback, no "database is locked"
    assert books.logged == REQUESTS
    assert books.log_mismatch == {}
    assert books.call_requests_found == books.call_requests_expected > 0
    assert books.call_request_mismatch == []
