"""CallRequest: one pending request per developer, requester and target, refreshed, cancelled, expired, race-free."""

import threading
from datetime import timedelta

import pytest
import requests
from django.db import IntegrityError, connection
from django.utils import timezone

from accounts.models import ApiToken
from api.models import CallRequest
from lib.phones import normalise
from tests.helpers import REQUESTER, SEED_SUCCESS


@pytest.mark.django_db
def test_it_creates_then_refreshes_the_pending_request(target, token, developer, settings):
    settings.CALL_REQUEST_TTL_SECONDS = 60
    second_token, _ = ApiToken.issue(developer, "Second site", "second.example.com")

    first, created = CallRequest.request_call(REQUESTER, target, "first", token)
    assert created is True
    assert CallRequest.request_call(REQUESTER, target, "second", second_token)[1] is False

    refreshed = CallRequest.objects.open().sent_by(developer).get()
    assert (refreshed.pk, refreshed.message, refreshed.token) == (first.pk, "second", second_token)
    assert refreshed.expires_at >= first.expires_at
    assert timedelta(seconds=59) < refreshed.expires_at - timezone.now() <= timedelta(seconds=60)


@pytest.mark.django_db
def test_it_starts_a_new_request_once_the_last_one_expired(target, token):
    CallRequest.request_call(REQUESTER, target, "old", token)
    CallRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert not CallRequest.objects.open().exists()
    assert CallRequest.request_call(REQUESTER, target, "new", token)[1] is True
    assert list(CallRequest.objects.order_by("id").values_list("message", "state")) == [
        ("old", "expired"),
        ("new", "pending"),
    ]


@pytest.mark.django_db
def test_it_inserts_every_column_of_the_table():
    """request_call's hand-written upsert writes each column: one left out (a new non-null field) would fail every
    callback with "service unavailable"."""
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, CallRequest._meta.db_table)
    _fields, sql = CallRequest._upsert()
    inserted = sql[sql.index("(") + 1 : sql.index(")")].split(", ")

    assert sorted(inserted) == sorted(column.name for column in table if column.name != "id")


@pytest.mark.django_db
def test_it_cancels_only_the_pending_request_of_that_pair(target, token):
    other = normalise("01010041005", "kr")
    CallRequest.request_call(REQUESTER, target, "mine", token)
    CallRequest.request_call(other, target, "theirs", token)

    assert CallRequest.cancel_open(REQUESTER, target, token) is not None
    assert CallRequest.cancel_open(REQUESTER, target, token) is None

    assert dict(CallRequest.objects.values_list("message", "state")) == {"mine": "cancelled", "theirs": "pending"}


@pytest.mark.django_db
def test_it_keeps_two_developers_requests_between_the_same_numbers_apart(target, token, outsider):
    theirs, _ = ApiToken.issue(outsider, "Their site", "other.example.com")
    assert CallRequest.request_call(REQUESTER, target, "mine", token)[1] is True
    assert CallRequest.request_call(REQUESTER, target, "theirs", theirs)[1] is True

    assert CallRequest.cancel_open(REQUESTER, target, theirs) is not None
    assert CallRequest.cancel_open(REQUESTER, target, theirs) is None

    assert dict(CallRequest.objects.values_list("message", "state")) == {"mine": "pending", "theirs": "cancelled"}
    assert CallRequest.objects.get(message="mine").developer == token.owner


@pytest.mark.django_db
def test_the_database_refuses_a_second_pending_request_of_a_developer_for_a_pair(target, developer):
    expires = timezone.now() + timedelta(hours=1)
    CallRequest.objects.create(
        requester_number=REQUESTER.e164, requester_country="KR", target=target, developer=developer, expires_at=expires
    )

    with pytest.raises(IntegrityError):
        CallRequest.objects.create(
            requester_number=REQUESTER.e164,
            requester_country="KR",
            target=target,
            developer=developer,
            expires_at=expires,
        )


@pytest.mark.django_db(transaction=True)
def test_it_leaves_exactly_one_pending_request_after_concurrent_identical_calls(live_server, target, value):
    url = f"{live_server.url}/{value}/callback/01010041004/kr/01011111111/kr/same"
    start = threading.Barrier(8)
    answers = []

    def send():
        start.wait()
        answers.append(requests.get(url, timeout=30).json())

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [SEED_SUCCESS] * 8
    assert CallRequest.objects.count() == 1
    assert CallRequest.objects.get().state == CallRequest.State.PENDING
