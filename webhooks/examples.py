"""What the documentation says about webhooks, written once: the events and their meaning, an example payload per
event, the retry schedule, and the signature verifiers. The docs page and the OpenAPI document both read it."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.times import history_for_json, iso_time
from webhooks.models import EventType

EXAMPLE_TIME = datetime(2026, 12, 1, 9, 24, 0, 123000, tzinfo=UTC)
EXAMPLE_CALL_REQUEST_ID = "cr_8mQ2xY7bK4pL9sT1vW3zA6"
EXAMPLE_ENDPOINT_ID = "we_Qx7bK2mPz9LrT4vW8sN3yA6c"
EXAMPLE_MESSAGE_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85"
TEST_MESSAGE = "This is a test event from CallbackNow."  # what webhooks.delivery.send_test_event sends

MEANINGS = {
    EventType.CREATED: _("The API accepted a call request (callback or neocallback): it is pending."),
    EventType.DELIVERED: _("The request reached the target's CallbackNow app."),
    EventType.SEEN: _("The target opened it."),
    EventType.ANSWERED: _("The target chose to call back."),
    EventType.DECLINED: _("The target declined it."),
    EventType.CANCELLED: _("You withdrew it (cancel or neocancel)."),
    EventType.EXPIRED: _("Nobody answered it before it expired."),
    EventType.TEST: _("Sent from the endpoint's page to try your receiver; it is about no call request."),
}

# The states a call request went through by the time of each event, minutes after its creation.
_HISTORIES = {
    EventType.CREATED: [("pending", 0)],
    EventType.DELIVERED: [("pending", 0), ("delivered", 0.02)],
    EventType.SEEN: [("pending", 0), ("delivered", 0.02), ("seen", 1)],
    EventType.ANSWERED: [("pending", 0), ("delivered", 0.02), ("seen", 1), ("answered", 2)],
    EventType.DECLINED: [("pending", 0), ("delivered", 0.02), ("seen", 1), ("declined", 2)],
    EventType.CANCELLED: [("pending", 0), ("delivered", 0.02), ("cancelled", 5)],
    EventType.EXPIRED: [("pending", 0), ("delivered", 0.02), ("expired", 24 * 60)],
}


def example_payload(event_type):
    """The body of an event of this type, as CallRequest.webhook_data() and send_test_event() fill it."""
    if event_type == EventType.TEST:
        data = {"endpoint": EXAMPLE_ENDPOINT_ID, "message": TEST_MESSAGE}
        return {"type": event_type.value, "timestamp": iso_time(EXAMPLE_TIME), "data": data}
    history = [(state, EXAMPLE_TIME + timedelta(minutes=minutes)) for state, minutes in _HISTORIES[event_type]]
    data = {
        "id": EXAMPLE_CALL_REQUEST_ID,
        "state": history[-1][0],
        "history": history_for_json(history),
        "requester": {"number": "+821010041004", "country": "KR"},
        "target": {"number": "+821011111111", "country": "KR", "id": "airpagephone"},
        "message": "hello world",
        "token": "My site",
        "expires_at": iso_time(EXAMPLE_TIME + timedelta(seconds=settings.CALL_REQUEST_TTL_SECONDS)),
    }
    return {"type": event_type.value, "timestamp": iso_time(history[-1][1]), "data": data}


@dataclass(frozen=True)
class DocumentedEvent:
    type: str
    meaning: str
    payload: dict

    @property
    def slug(self):
        """For an HTML id (a CSS selector reads the dot of "call_request.created" as a class)."""
        return self.type.replace(".", "-")

    @property
    def state(self):
        """The call request's state the event reports ("pending" for created); None for the test event."""
        return self.payload["data"].get("state")

    @property
    def json(self):
        """The example as the docs page shows it, indented; what is sent is the same JSON without spaces."""
        return _pretty(self.payload)


def _pretty(value, indent=""):
    """JSON with the event's and its data's keys one a line, and each history entry on its own line."""
    inner = indent + "  "
    if isinstance(value, dict) and len(indent) < 4:
        lines = [f"{inner}{json.dumps(key)}: {_pretty(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(inner + _compact(item) for item in value) + f"\n{indent}]"
    return _compact(value)


def _compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def events():
    """Every event type with its meaning and example, in the order of a call request's life, the test event last."""
    return [
        DocumentedEvent(event_type.value, MEANINGS[event_type], example_payload(event_type)) for event_type in EventType
    ]


def duration(seconds):
    """A delay in its largest whole unit: "5 seconds", "30 minutes", "10 hours"."""
    if seconds and seconds % 3600 == 0:
        return ngettext("%(count)d hour", "%(count)d hours", seconds // 3600) % {"count": seconds // 3600}
    if seconds and seconds % 60 == 0:
        return ngettext("%(count)d minute", "%(count)d minutes", seconds // 60) % {"count": seconds // 60}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def retry_schedule():
    """[(attempt number, the wait before it, the time since the first attempt as h:mm:ss)] of a failing delivery."""
    rows, elapsed = [(1, None, "0:00:00")], 0
    for number, delay in enumerate(settings.WEBHOOK_RETRY_DELAYS, start=2):
        elapsed += delay
        rows.append((number, duration(delay), f"{elapsed // 3600}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d}"))
    return rows


# The verifiers on the docs page: the same files that webhooks/tests/test_verifiers.py runs.
VERIFIERS = [
    ("python", _("Python (the standardwebhooks package)"), "webhooks/verify/python.py"),
    ("php", _("PHP (7.3 and later, no packages)"), "webhooks/verify/php.php"),
    ("node", _("Node.js (no packages)"), "webhooks/verify/node.js"),
]


def verifiers():
    """[(key, label, source code)] of the signature verifiers."""
    return [(key, label, render_to_string(template).strip() + "\n") for key, label, template in VERIFIERS]


def docs_context():
    """What the docs page's webhooks section shows."""
    return {
        "events": events(),
        "retries": retry_schedule(),
        "timeout_seconds": settings.WEBHOOK_TIMEOUT_SECONDS,
        "disable_after_days": settings.WEBHOOK_DISABLE_AFTER_SECONDS // 86400,
        "retention_days": settings.WEBHOOK_RETENTION_DAYS,
        "endpoints_per_token": settings.WEBHOOK_ENDPOINTS_PER_TOKEN,
        "verifiers": verifiers(),
    }
