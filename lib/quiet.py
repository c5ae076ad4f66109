"""Quiet hours: a daily window in a time zone, which may run across midnight (22:00–07:00). Pure, no database."""

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def valid_zone(name):
    """True for an IANA time zone name this machine knows ("Asia/Seoul", "UTC"); False for anything else."""
    if not isinstance(name, str) or not name or name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_names():
    """The IANA time zone names this machine knows, sorted."""
    return sorted(_zones())


def parse_time(text):
    """A "HH:MM" of a 24-hour clock as a time, or None."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hour, minute = int(text[:2]), int(text[3:])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def covers(start, end, zone_name, moment):
    """Whether the aware datetime falls in the window [start, end) of the zone's wall clock; a window whose start is
    after its end runs across midnight; start equal to end is the whole day (always quiet)."""
    local = moment.astimezone(ZoneInfo(zone_name)).time().replace(second=0, microsecond=0, tzinfo=None)
    if start == end:
        return True
    if start < end:
        return start <= local < end
    return local >= start or local < end


_ZONES = []


def _zones():
    if not _ZONES:
        _ZONES.append(frozenset(available_timezones()))
    return _ZONES[0]
