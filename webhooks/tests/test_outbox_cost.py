"""What the outbox costs the API's hot path: a callback call of a token with a webhook endpoint runs one SQL
statement more than without one (the event's insert), and nothing else; on PostgreSQL one more again, the request
log entry's insert, which a call without webhooks folds into its upsert (api.decorators.one_statement)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import callers
from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db
CALLS = 5
EVENT_INSERT = 'INSERT INTO "webhooks_webhookevent"'


def statements_of_callbacks(client, value, first_requester):
    """The SQL statements of CALLS callback calls, each creating a new call request (a new requester each)."""
    with CaptureQueriesContext(connection) as queries:
        for n in range(first_requester, first_requester + CALLS):
            response = client.get(f"/{value}/callback/0104{n:07d}/kr/01011111111/kr/hi")
            assert response.json()["result"] == "success"
    # Not the bounds of the call's transaction (here a savepoint in the test's own, BEGIN and COMMIT on a server).
    bounds = ("SAVEPOINT ", "RELEASE SAVEPOINT ")
    return [query["sql"] for query in queries if not query["sql"].startswith(bounds)]


def test_it_adds_one_insert_per_callback_call_with_an_endpoint_and_no_more(client, issued, target, settings):
    settings.API_TOKEN_CACHE_SECONDS = 60  # the API's copy of the token outlives both batches (api.callers)
    settings.API_PER_TARGET_PER_HOUR = settings.API_PER_TARGET_PER_DAY = 1000  # 200 calls to one target
    token, value = issued
    client.get(f"/{value}/callback/01040000000/kr/01011111111/kr/warm-up")
    without = statements_of_callbacks(client, value, 1)
    WebhookEndpoint.add(token, "https://hooks.example.com/callbacknow", CALL_REQUEST_EVENTS)
    callers.token_for_secret(value)  # the token changed: the API reads it again once, as its next call would
    with_endpoint = statements_of_callbacks(client, value, 101)

    assert WebhookEvent.objects.count() == CALLS
    more = 2 if connection.vendor == "postgresql" else 1
    assert len(with_endpoint) == len(without) + more * CALLS, (len(without) / CALLS, len(with_endpoint) / CALLS)
    assert sum(EVENT_INSERT in sql for sql in with_endpoint) == CALLS
    assert not any(EVENT_INSERT in sql for sql in without)
