"""Dates and times: one form in both languages ("2026-11-25 09:24", 24-hour clock), and pages name the zone."""

from datetime import datetime

import pytest
from django.utils import formats, timezone, translation

NINE_TWENTY_FOUR = datetime(2026, 11, 25, 9, 24)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_formats_dates_one_way_in_both_languages(language):
    moment = timezone.make_aware(NINE_TWENTY_FOUR)
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-11-25 09:24"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-11-25 09:24"
        assert formats.date_format(moment, "DATE_FORMAT") == "2026-11-25"
        assert formats.time_format(datetime(2026, 1, 1, 15, 5)) == "15:05"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_it_ends_a_sentence_on_a_date_with_one_period(owner_client, issued, language):
    """The old English form ("Dec. 9, 2026, 3:45 a.m.") put two periods at the end of a sentence."""
    token, _ = issued
    token.roll(3600)
    page = owner_client.get(f"/tokens/{token.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    until = timezone.localtime(token.events.get(kind="rolled").created_at)
    assert "a.m." not in page and "p.m." not in page and "오전" not in page and "오후" not in page
    assert f"{until:%Y-%m-%d} " in page


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
