"""The webhooks' part of the OpenAPI document at /openapi.json (docs.openapi merges it). Pure, no database.

The document is OpenAPI 3.0.3, which has no top-level `webhooks` (3.1 does). The events are described under
`x-webhooks`, the extension Redoc reads, in the very shape of 3.1's `webhooks` (event name → Path Item): moving to
3.1 renames one key. Callbacks were the other way, and the wrong one: a callback belongs to one operation and
takes its URL from that request at run time, while these endpoints are registered on the portal and their events
come from the subscriber's side and from expiry as much as from any call.
"""

from django.conf import settings

from webhooks import examples
from webhooks.models import EventType

TAG = "Webhooks"
STATES = ["pending", "delivered", "seen", "answered", "declined", "cancelled", "expired"]
DATE_TIME = {"type": "string", "format": "date-time", "description": "UTC, to the millisecond"}


def _object(properties, description=None):
    schema = {"type": "object", "required": list(properties), "properties": properties}
    return {**schema, "description": description} if description else schema


def _call_request_data():
    number = {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$", "description": "E.164"}
    country = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166 code"}
    return _object(
        {
            "id": {
                "type": "string",
                "pattern": "^cr_[A-Za-z0-9]{22}$",
                "description": "The call request's ID (the X-Call-Request-Id header of the callback's answer)",
            },
            "state": {"type": "string", "enum": STATES, "description": "Its state after the change reported"},
            "history": {
                "type": "array",
                "description": "Every state it went through, in order, with its time",
                "items": _object({"state": {"type": "string", "enum": STATES}, "at": DATE_TIME}),
            },
            "requester": _object({"number": number, "country": country}, "Who asked to be called back"),
            "target": _object(
                {
                    "number": number,
                    "country": country,
                    "id": {"type": "string", "nullable": True, "description": "The target's CallbackNow ID, if any"},
                },
                "The CallbackNow user asked to call",
            ),
            "message": {"type": "string", "description": "The message sent with the request (may be empty)"},
            "token": {"type": "string", "description": "The name of the token that sent it"},
            "expires_at": DATE_TIME,
        },
        "The call request, as the status call describes it",
    )


def _payload_schema(event):
    """The body of one event type: type, timestamp, data."""
    if event.type == EventType.TEST:
        data = _object(
            {
                "endpoint": {"type": "string", "pattern": "^we_[A-Za-z0-9]{24}$", "description": "The endpoint's ID"},
                "message": {"type": "string", "enum": [examples.TEST_MESSAGE]},
            }
        )
    else:
        data = _call_request_data()
        data["properties"]["state"] = {**data["properties"]["state"], "enum": [event.state]}
        if event.type == EventType.DELIVERED:  # after the fields every event has: the path that handed it over
            data["properties"]["delivered_by"] = {
                "type": "string",
                "enum": ["stream", "long_poll", "page"],
                "description": "How it reached the phone: the device API's event stream or long poll, or the "
                "virtual phone's page",
            }
    return _object(
        {
            "type": {"type": "string", "enum": [event.type]},
            "timestamp": {
                **DATE_TIME,
                "description": "When the change happened (the test event: when it was sent), UTC to the millisecond",
            },
            "data": data,
        }
    )


def _headers():
    return [
        {
            "name": "webhook-id",
            "in": "header",
            "required": True,
            "description": "The event's ID, the same on every attempt: use it to drop duplicates.",
            "schema": {"type": "string", "pattern": "^msg_[A-Za-z0-9]{24}$"},
            "example": examples.EXAMPLE_MESSAGE_ID,
        },
        {
            "name": "webhook-timestamp",
            "in": "header",
            "required": True,
            "description": "When this attempt was sent, in seconds since 1970 (UTC). Refuse one more than 5 minutes "
            "away from your clock.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
        {
            "name": "webhook-signature",
            "in": "header",
            "required": True,
            "description": 'Space-separated "v1,<base64 HMAC-SHA256>" signatures of "{webhook-id}.{webhook-timestamp}'
            '.{body}" under the base64-decoded part of the endpoint\'s secret after "whsec_": one per secret in '
            "force (two while a rolled secret's overlap lasts). Accept the request when one matches.",
            "schema": {"type": "string", "pattern": r"^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"},
        },
    ]


def _operation(event):
    retries = len(settings.WEBHOOK_RETRY_DELAYS)
    return {
        "post": {
            "tags": [TAG],
            "operationId": "webhook_" + event.type.replace(".", "_"),
            "summary": event.type,
            "description": f"{event.meaning} Sent as a POST to each enabled endpoint of the token that listens to "
            f"{event.type}, signed per Standard Webhooks.",
            "parameters": _headers(),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _payload_schema(event), "example": event.payload}},
            },
            "responses": {
                "2XX": {"description": "Received. Answer within the time limit; the body is kept (2 KB) in the log."},
                "default": {
                    "description": f"Anything else (another status, a redirect, no answer within "
                    f"{settings.WEBHOOK_TIMEOUT_SECONDS:g} s) is a failure: the event is sent again, up to "
                    f"{retries} more times, and an endpoint failing for "
                    f"{settings.WEBHOOK_DISABLE_AFTER_SECONDS // 86400} days is disabled."
                },
            },
        }
    }


def tag():
    return {
        "name": TAG,
        "description": "What CallbackNow POSTs to the developer's endpoints (x-webhooks): each change of a call "
        "request, signed per Standard Webhooks. Endpoints are set up on the token's page.",
    }


def webhooks():
    """The x-webhooks section: one entry per event type, named by the type."""
    return {event.type: _operation(event) for event in examples.events()}
