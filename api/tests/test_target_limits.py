"""One account sends one target at most API_PER_TARGET_PER_HOUR and API_PER_TARGET_PER_DAY call requests, across its
tokens (api.guards): checked before the call, counted once a call that created a request has committed."""

import pytest
from django.db import connections

from api.models import ApiRequestLog, CallRequest
from api.tests.test_one_transaction import FAIL_SUCCESS_ENTRIES, UNDO
from tests.helpers import SEED_SUCCESS, failed
from tests.tokens import server_token

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: a call is counted once committed


def send(client, value, requester):
    response = client.get(f"/{value}/callback/0101004{requester:04d}/kr/01011111111/kr/hi")
    return response


@pytest.fixture
def small_limits(settings):
    settings.API_PER_TARGET_PER_HOUR, settings.API_PER_TARGET_PER_DAY = 3, 5


def test_it_refuses_the_request_past_the_hours_limit_across_the_accounts_tokens(
    client, developer, target, small_limits
):
    first, first_value = server_token(developer, "One", "example.com")
    _second, second_value = server_token(developer, "Two", "example.org")

    answers = [send(client, value, n) for n, value in enumerate([first_value, second_value, first_value])]
    assert [response.json() for response in answers] == [SEED_SUCCESS] * 3  # the third is the last allowed

    refused = send(client, second_value, 9)
    assert refused.status_code == 429 and refused.json() == failed("too many requests to this target")
    assert 0 < int(refused["Retry-After"]) <= 3600  # when the hour's sliding window frees a place
    assert CallRequest.objects.count() == 3
    assert ApiRequestLog.objects.filter(reason="too many requests to this target").count() == 1


def test_it_does_not_count_another_account_or_another_target(client, developer, outsider, target, small_limits):
    _mine, value = server_token(developer, "Mine", "example.com")
    _theirs, their_value = server_token(outsider, "Theirs", "example.net")
    for n in range(3):
        assert send(client, value, n).json() == SEED_SUCCESS

    assert send(client, their_value, 1).json() == SEED_SUCCESS


def test_it_refuses_past_the_days_limit(client, developer, target, settings):
    settings.API_PER_TARGET_PER_HOUR, settings.API_PER_TARGET_PER_DAY = 10, 2
    _token, value = server_token(developer, "One", "example.com")

    assert [send(client, value, n).status_code for n in range(3)] == [200, 200, 429]
    refused = send(client, value, 7)
    assert refused.json() == failed("too many requests to this target")
    assert 0 < int(refused["Retry-After"]) <= 86400


def test_it_leaves_test_phones_to_the_test_tokens_own_limits(client, developer, small_limits):
    from accounts.models import ApiToken

    _token, value = ApiToken.issue(developer, "Sandbox", "localhost", test=True)
    path = "/{value}/callback/0101004{n:04d}/kr/010-0000-0003/kr/hi"
    assert all(client.get(path.format(value=value, n=n)).json()["result"] == "success" for n in range(6))


@pytest.mark.parametrize("webhooks", [True, False], ids=["in a transaction", "in one statement"])
def test_it_does_not_count_a_call_that_failed_after_its_guards(client, developer, target, settings, webhooks):
    settings.API_PER_TARGET_PER_HOUR, settings.API_PER_TARGET_PER_DAY = 1, 5
    token, value = server_token(developer, "One", "example.com")
    if webhooks:
        from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint

        WebhookEndpoint.add(token, "http://127.0.0.1:9/hook", CALL_REQUEST_EVENTS)
    vendor = connections["default"].vendor
    with connections["default"].cursor() as cursor:
        for sql in FAIL_SUCCESS_ENTRIES[vendor]:  # the success's log entry fails, after the request was written
            cursor.execute(sql)
    failed_call = send(client, value, 1)
    with connections["default"].cursor() as cursor:
        for sql in UNDO[vendor]:
            cursor.execute(sql)
    assert failed_call.status_code == 503 and not CallRequest.objects.exists()

    assert send(client, value, 2).json() == SEED_SUCCESS  # the hour's one request: the failed call used none
    assert send(client, value, 3).status_code == 429


def test_it_does_not_count_a_refresh_of_an_open_request(client, developer, target, small_limits):
    _token, value = server_token(developer, "One", "example.com")

    assert [send(client, value, 1).json() for _ in range(2)] == [SEED_SUCCESS] * 2  # sent, then refreshed
    assert CallRequest.objects.count() == 1
    assert [send(client, value, n).status_code for n in (2, 3, 4)] == [200, 200, 429]
