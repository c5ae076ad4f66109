"""Migration 0003: an event's foreign key to its call request becomes the request's public ID (subject), and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.test_migration_token_event_data import migrate
from api.models import CallRequest
from lib.phones import normalise
from webhooks.models import WebhookEvent

BEFORE = [("webhooks", "0002_foreign_key_verbose_names")]
AFTER = [("webhooks", "0003_event_subject")]


@pytest.fixture
def at_0002(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_names_each_event_s_call_request_by_its_id_and_back(at_0002, target, token):
    call_request = CallRequest.request_call(normalise("01010041004", "kr"), target, "hi", token)[0]
    OldEvent = at_0002.get_model("webhooks", "WebhookEvent")
    about = OldEvent.objects.create(token_id=token.pk, call_request_id=call_request.pk, type="call_request.created")
    test = OldEvent.objects.create(token_id=token.pk, type="webhook.test")

    migrate(AFTER)
    assert WebhookEvent.objects.get(pk=about.pk).subject == call_request.public_id
    assert WebhookEvent.objects.get(pk=test.pk).subject == ""

    back = migrate(BEFORE).get_model("webhooks", "WebhookEvent")
    assert back.objects.get(pk=about.pk).call_request_id == call_request.pk
    assert back.objects.get(pk=test.pk).call_request_id is None
