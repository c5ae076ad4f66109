from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiRequestLog, SeenRequest

pytestmark = pytest.mark.django_db


def entry(age_days):
    return ApiRequestLog.objects.create(
        transport="GET",
        result="success",
        status=200,
        duration_ms=1,
        created_at=timezone.now() - timedelta(days=age_days),
    )


def test_it_deletes_entries_past_the_retention_and_expired_fingerprints(settings):
    settings.API_LOG_RETENTION_DAYS = 30
    kept, _old = entry(29), entry(31)
    SeenRequest.objects.remember("a" * 64, timezone.now() - timedelta(seconds=1))
    SeenRequest.objects.remember("b" * 64, timezone.now() + timedelta(minutes=5))
    out = StringIO()

    call_command("prune_api_log", stdout=out)

    assert list(ApiRequestLog.objects.all()) == [kept]
    assert list(SeenRequest.objects.values_list("fingerprint", flat=True)) == ["b" * 64]
    assert "Pruned 1 log entries older than 30 days and 1 fingerprints." in out.getvalue()


def test_it_takes_the_retention_as_an_option():
    entry(3), entry(1)

    call_command("prune_api_log", "--days", "2", stdout=StringIO())

    assert ApiRequestLog.objects.count() == 1
