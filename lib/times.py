"""Times and a call request's history as the API, the device API and webhooks write them in JSON. Pure."""

from datetime import UTC


def iso_time(moment):
    """ISO 8601 in UTC to the millisecond, as "2026-12-01T09:24:00.123Z"."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def history_for_json(history):
    """A history of (state, time) pairs as the JSON bodies carry it: [{"state": …, "at": "…Z"}, …]."""
    return [{"state": state, "at": iso_time(at)} for state, at in history]
