"""Dates and times: Korean puts 오전/오후 first, both languages share one short form, and pages name the zone."""

from datetime import datetime

import pytest
from django.utils import formats, timezone, translation

NINE_TWENTY_FOUR = datetime(2026, 11, 25, 9, 24)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("ko", "2026년 11월 25일 오전 9:24", "2026-11-25 09:24"),
        ("en", "Nov. 25, 2026, 9:24 a.m.", "2026-11-25 09:24"),
    ],
)
def test_it_formats_dates_the_way_each_language_writes_them(language, long, short):
    moment = timezone.make_aware(NINE_TWENTY_FOUR)
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == long
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == short


def test_it_puts_the_afternoon_first_too_in_korean():
    with translation.override("ko"):
        assert formats.time_format(datetime(2026, 1, 1, 15, 5)) == "오후 3:05"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_names_the_time_zone_on_every_page(client, language):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert '<abbr title="Asia/Seoul">KST</abbr> (UTC+0900)' in page


@pytest.mark.django_db
def test_it_names_the_time_zone_of_the_request_log(owner_client, issued):
    from api.models import ApiRequestLog

    ApiRequestLog.objects.create(
        token=issued[0], action="callback", transport="GET", result="success", status=200, duration_ms=3
    )
    page = owner_client.get(f"/tokens/{issued[0].pk}/log/").content.decode()
    assert '(<abbr title="Asia/Seoul">KST</abbr>)</th>' in page
