"""Server-Sent Events framing (the HTML standard's text/event-stream): pure, no database."""

import json


def event(event_id, name, data):
    """One event: its id (what the client resumes from with Last-Event-ID), its name and its JSON data."""
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


def comment(text):
    """A line clients ignore: it keeps the connection (and every proxy on the way) from timing out."""
    return f": {text}\n\n"


def retry(milliseconds):
    """How long the client waits before it reconnects."""
    return f"retry: {milliseconds}\n"
