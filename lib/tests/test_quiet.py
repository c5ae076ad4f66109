"""lib.quiet: quiet-hours windows in a time zone, across midnight, and the time zone names accepted."""

from datetime import UTC, datetime, time

from lib import quiet

NIGHT = (time(22, 0), time(7, 0))


def at_utc(hour, minute=0):
    return datetime(2026, 12, 8, hour, minute, tzinfo=UTC)


def test_it_covers_a_window_across_midnight_in_seoul():
    # 22:00–07:00 in Seoul (UTC+9) is 13:00–22:00 UTC
    assert quiet.covers(*NIGHT, "Asia/Seoul", at_utc(13, 0))  # 22:00 in Seoul: the start is inside
    assert quiet.covers(*NIGHT, "Asia/Seoul", at_utc(15, 30))  # 00:30
    assert quiet.covers(*NIGHT, "Asia/Seoul", at_utc(21, 59))  # 06:59
    assert not quiet.covers(*NIGHT, "Asia/Seoul", at_utc(22, 0))  # 07:00: the end is outside
    assert not quiet.covers(*NIGHT, "Asia/Seoul", at_utc(12, 59))  # 21:59
    assert not quiet.covers(*NIGHT, "UTC", at_utc(15, 30))  # the same moment is 15:30 in UTC


def test_it_covers_a_window_within_a_day_and_follows_daylight_saving_time():
    lunch = (time(12, 0), time(13, 0))
    assert quiet.covers(*lunch, "America/New_York", datetime(2026, 7, 1, 16, 30, tzinfo=UTC))  # EDT, UTC-4
    assert not quiet.covers(*lunch, "America/New_York", datetime(2026, 12, 1, 16, 30, tzinfo=UTC))  # EST: 11:30
    assert quiet.covers(*lunch, "America/New_York", datetime(2026, 12, 1, 17, 30, tzinfo=UTC))


def test_it_treats_an_equal_start_and_end_as_the_whole_day():
    assert quiet.covers(time(8, 0), time(8, 0), "UTC", at_utc(8, 0))
    assert quiet.covers(time(8, 0), time(8, 0), "UTC", at_utc(7, 59))


def test_it_accepts_iana_zone_names_only():
    assert quiet.valid_zone("Asia/Seoul") and quiet.valid_zone("UTC")
    for bad in ("Mars/Olympus", "", None, "../../etc/passwd", "asia/seoul", 9):
        assert not quiet.valid_zone(bad)


def test_it_parses_times_of_a_24_hour_clock():
    assert quiet.parse_time("07:05") == time(7, 5)
    assert quiet.parse_time("23:59") == time(23, 59)
    for bad in ("24:00", "7:05", "07:60", "0705", "", None, "ab:cd", "07:05:00"):
        assert quiet.parse_time(bad) is None
