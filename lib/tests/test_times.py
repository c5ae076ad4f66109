from datetime import UTC, datetime, timedelta, timezone

from lib.times import history_for_json, iso_time

SEOUL = timezone(timedelta(hours=9))


def test_it_writes_a_time_in_utc_to_the_millisecond():
    assert iso_time(datetime(2026, 12, 1, 18, 24, 0, 123456, tzinfo=SEOUL)) == "2026-12-01T09:24:00.123Z"


def test_it_writes_a_history_in_order_with_each_state_and_time():
    start = datetime(2026, 12, 1, 9, 24, tzinfo=UTC)
    history = [("pending", start), ("delivered", start + timedelta(seconds=1, milliseconds=5))]
    assert history_for_json(history) == [
        {"state": "pending", "at": "2026-12-01T09:24:00.000Z"},
        {"state": "delivered", "at": "2026-12-01T09:24:01.005Z"},
    ]
