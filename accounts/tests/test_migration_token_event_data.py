"""Migration 0003: the English detail sentences of existing token events become named values, and back."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import TokenEvent
from accounts.templatetags.tokens import event_detail

migration = importlib.import_module("accounts.migrations.0003_tokenevent_data")
BEFORE = [("accounts", "0002_field_verbose_names")]
AFTER = [("accounts", "0003_tokenevent_data")]

# (kind, detail as written before 0003, the data it holds, what a Korean reader sees)
OLD_EVENTS = [
    ("issued", "xn--3e0b707e.kr", {"host": "xn--3e0b707e.kr"}, "한국.kr (xn--3e0b707e.kr)"),
    ("approved", "automatic", {"automatic": True}, "자동"),
    ("approved", "", {}, ""),
    ("rejected", "No such website", {"reason": "No such website"}, "No such website"),
    ("suspended", "", {}, ""),
    ("rolled", "grace 3600s", {"grace_seconds": 3600}, "기존 토큰 유예 기간: 1시간"),
    ("rolled", "grace 0s", {"grace_seconds": 0}, "기존 토큰은 즉시 중지"),
    ("revealed", "test page", {"where": "test_page"}, "테스트 페이지에서"),
    ("revealed", "", {}, ""),
    ("renamed", "My site → Checkout", {"old_name": "My site", "new_name": "Checkout"}, "My site → Checkout"),
    (
        "host_changed",
        "example.com → xn--3e0b707e.kr (awaits approval)",
        {"old_host": "example.com", "new_host": "xn--3e0b707e.kr", "awaits_approval": True},
        "example.com → 한국.kr (xn--3e0b707e.kr) (승인 대기)",
    ),
    (
        "host_changed",
        "a.example.com → b.example.com",
        {"old_host": "a.example.com", "new_host": "b.example.com", "awaits_approval": False},
        "a.example.com → b.example.com",
    ),
    ("revoked", "", {}, ""),
    # No known shape: kept whole and shown as it was.
    ("rolled", "grace of one hour", {"text": "grace of one hour"}, "grace of one hour"),
    ("reactivated", "after a phone call", {"text": "after a phone call"}, "after a phone call"),
    ("issued", "two words", {"text": "two words"}, "two words"),
    # Cut short by the old 500-character column: the hosts in it cannot be trusted.
    ("host_changed", f"{'a' * 250}.com → {'b' * 243}", {"text": f"{'a' * 250}.com → {'b' * 243}"}, None),
]


@pytest.mark.parametrize(("kind", "detail", "data", "korean"), OLD_EVENTS)
def test_it_reads_each_old_sentence_into_values_and_writes_it_back(kind, detail, data, korean):
    assert migration.data_from_detail(kind, detail) == data
    assert migration.detail_from_data(kind, data) == detail
    if korean is not None:
        with translation.override("ko"):
            assert event_detail(TokenEvent(kind=kind, data=data)) == korean


def migrate(targets):
    """Moves the test database to these migrations; returns the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0002(transactional_db):
    """The database as before 0003, put back to the latest migrations afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_converts_the_stored_rows_and_back(at_0002, developer):
    token = at_0002.get_model("accounts", "ApiToken").objects.create(
        owner_id=developer.pk, name="My site", host="example.com", state="active", digest="d" * 64
    )
    OldEvent = at_0002.get_model("accounts", "TokenEvent")
    for kind, detail, _, _ in OLD_EVENTS:
        OldEvent.objects.create(token_id=token.pk, kind=kind, actor_label="system", detail=detail)

    migrate(AFTER)
    events = TokenEvent.objects.filter(token_id=token.pk).order_by("id")
    assert [(e.kind, e.data) for e in events] == [(kind, data) for kind, _, data, _ in OLD_EVENTS]
    with translation.override("ko"):
        for event, (*_, korean) in zip(events, OLD_EVENTS, strict=True):
            assert korean is None or event_detail(event) == korean

    back = migrate(BEFORE).get_model("accounts", "TokenEvent")
    details = back.objects.filter(token_id=token.pk).order_by("id").values_list("kind", "detail")
    assert list(details) == [(kind, detail) for kind, detail, _, _ in OLD_EVENTS]
