"""The device API's part of the OpenAPI document at /openapi.json (docs.openapi merges it). Pure, no database.

The paths come from device.urls and the failures from device.reasons, so that the document cannot drift from
what the endpoints answer; device/tests/test_openapi.py walks it against a live server.
"""

from urllib.parse import unquote

from django.urls import reverse

from api.models import CallRequest
from device import reasons
from device.auth import CHALLENGE
from device.controls import BLOCKED_NUMBER
from device.models import EVENT_TICKET_SECONDS
from device.views import MAX_WAIT_SECONDS
from lib import quiet

TAG = "Device API"
SECURITY_SCHEME = "deviceKey"
EXAMPLE_ID = "cr_8mQ2xY7bK4pL9sT1vW3zA6"
STATES = [state for state, _label in CallRequest.State.choices]
DEFAULT_HEARTBEAT_SECONDS = 15


def _path(name, *parameters):
    """The path of a device.urls route, its parameters as OpenAPI {placeholders}."""
    return unquote(reverse(f"device:{name}", args=[f"{{{parameter}}}" for parameter in parameters]))


def _failure(reason_list):
    """One response per HTTP status, its reason restricted to the texts answered with that status."""
    statuses = {}
    for reason in reason_list:
        texts = reasons.REFUSED_CHANGE_TEXTS if reason is reasons.REFUSED_CHANGE else [reason.text]
        statuses.setdefault(reason.status, []).extend(texts)
    responses = {}
    for status, texts in sorted(statuses.items()):
        response = {
            "description": "Failed: " + "; ".join(texts),
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/DeviceFailure"},
                            {"type": "object", "properties": {"reason": {"type": "string", "enum": texts}}},
                        ]
                    }
                }
            },
        }
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {"description": "The challenge", "schema": {"type": "string", "enum": [CHALLENGE]}}
            }
        if status == 405:
            response["headers"] = {"Allow": {"description": "The methods the path takes", "schema": {"type": "string"}}}
        responses[str(status)] = response
    return responses


COMMON_FAILURES = [
    reasons.MISSING_KEY,
    reasons.UNKNOWN_KEY,
    reasons.REVOKED_KEY,
    reasons.INACTIVE_SUBSCRIBER,
    reasons.METHOD_NOT_ALLOWED,
    reasons.SERVICE_UNAVAILABLE,
]


def _operation(operation_id, summary, schema, failures=(), parameters=(), description=None, status="200"):
    content = (
        schema
        if isinstance(schema, dict)
        else {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    )
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [TAG],
        "security": [{SECURITY_SCHEME: []}],
        "parameters": list(parameters),
        "responses": {status: {"description": "Done", "content": content}, **_failure([*COMMON_FAILURES, *failures])},
    }
    for busy in {reasons.KEY_BUSY.status, reasons.SERVER_BUSY.status} & set(map(int, operation["responses"])):
        operation["responses"][str(busy)].setdefault("headers", {})["Retry-After"] = {
            "description": "Seconds to wait before trying again (429, and 503 when this server holds its most waits)",
            "schema": {"type": "string"},
        }
    if description:
        operation["description"] = description
    return operation


_ID_PARAMETER = {
    "name": "call_request_id",
    "in": "path",
    "required": True,
    "description": "The call request's ID, as the list gave it.",
    "schema": {"type": "string"},
    "example": EXAMPLE_ID,
}
_ONE_FAILURES = [reasons.UNKNOWN_CALL_REQUEST]
_CHANGE_FAILURES = [reasons.UNKNOWN_CALL_REQUEST, reasons.REFUSED_CHANGE]


def _paths():
    changes = {
        "seen": ("markCallRequestSeen", "The subscriber opened the request (again: no change)"),
        "answer": ("answerCallRequest", "The subscriber calls the requester back"),
        "decline": ("declineCallRequest", "The subscriber declines the request"),
    }
    paths = {
        _path("me"): {"get": _operation("deviceMe", "The subscriber this device key belongs to", "DeviceMe")},
        _path("push"): _push_operations(),
        _path("call_requests"): {
            "get": _operation(
                "listCallRequests",
                "The subscriber's open call requests, newest first; pending ones become delivered",
                "DeviceCallRequestList",
                failures=[reasons.BAD_WAIT, reasons.KEY_BUSY, reasons.SERVER_BUSY],
                parameters=[
                    {
                        "name": "wait",
                        "in": "query",
                        "required": False,
                        "description": f"Long poll: answer as soon as something changed compared with cursor (or, "
                        f"without one, with the state when the call arrived) or a request is pending, else after "
                        f"this many seconds (0 to {MAX_WAIT_SECONDS}, default 0: at once).",
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_WAIT_SECONDS, "default": 0},
                        "example": 25,
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "required": False,
                        "description": "The cursor of the previous answer: opaque, compare it with nothing.",
                        "schema": {"type": "string"},
                    },
                ],
            )
        },
        _path("events"): {"get": _events_operation()},
        _path("event_tickets"): {
            "post": _operation(
                "createEventStreamTicket",
                "A ticket that opens the event stream without an Authorization header (a browser's EventSource)",
                "DeviceEventTicket",
                status="201",
                description=f"No body. The ticket is good for {EVENT_TICKET_SECONDS} s, for as many connections "
                "(EventSource's own reconnections) as start within that time.",
            )
        },
        _path("call_request", "call_request_id"): {
            "get": _operation(
                "getCallRequest",
                "One of the subscriber's call requests, in any state",
                "DeviceCallRequestAnswer",
                failures=_ONE_FAILURES,
                parameters=[_ID_PARAMETER],
            )
        },
    }
    for name, (operation_id, summary) in changes.items():
        paths[_path(name, "call_request_id")] = {
            "post": _operation(
                operation_id,
                summary,
                "DeviceCallRequestAnswer",
                failures=_CHANGE_FAILURES,
                parameters=[_ID_PARAMETER],
                description="No body. A change the request's state no longer allows (it was cancelled, "
                "expired, answered or declined) is refused with 409 and the state it reached.",
            )
        }
    return paths


def _push_operations():
    put = _operation(
        "registerPushTarget",
        "Registers or replaces where a push wakes this phone when its app sleeps",
        "DevicePushAnswer",
        failures=reasons.PUSH_FAILURES,
        description="On a new call request the server sends an FCM message (Android, priority high), an APNs alert "
        "(iOS, interruption-level time-sensitive) or a Web Push message (a browser) to this target, with the "
        "requester's number, the message and the request's ID; on a cancel it withdraws it. The token is personal "
        "data: stored encrypted, shown masked. A target the provider calls dead (unregistered) is removed: "
        "GET /device/v1/me then shows none, and the app registers a fresh one.",
    )
    put["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DevicePushTarget"}}},
    }
    delete = _operation("removePushTarget", "Removes this phone's push target", "DevicePushAnswer")
    return {"put": put, "delete": delete}


def _events_operation():
    stream = {
        "text/event-stream": {
            "schema": {"type": "string"},
            "example": "retry: 3000\n: connected\n\nid: 1796203440123456\nevent: call_request\n"
            'data: {"id":"' + EXAMPLE_ID + '","state":"delivered","call_request":{…}}\n\n: heartbeat\n\n',
        }
    }
    operation = _operation(
        "streamEvents",
        "The subscriber's call requests as Server-Sent Events, one per change",
        stream,
        failures=[reasons.BAD_TICKET, reasons.KEY_BUSY, reasons.SERVER_BUSY],
        parameters=[
            {
                "name": "Last-Event-ID",
                "in": "header",
                "required": False,
                "description": "Resume: the id of the last event the phone read. Every request changed since then "
                "comes first, in its latest state (one changed just before it may come again).",
                "schema": {"type": "string"},
            },
            {
                "name": "last_event_id",
                "in": "query",
                "required": False,
                "description": "The same, for a client that cannot set the header (a new EventSource).",
                "schema": {"type": "string"},
            },
            {
                "name": "ticket",
                "in": "query",
                "required": False,
                "description": "Instead of the Authorization header: a ticket from POST /device/v1/events/tickets.",
                "schema": {"type": "string"},
            },
        ],
        description="Without a cursor the stream first sends each open request (the phone's inbox), then each "
        "change as it happens: `event: call_request`, `data:` the request's `id`, `state` and the whole "
        "`call_request` (as GET call-requests/{id} answers it), `id:` the cursor. Pending requests are delivered "
        f"by the stream. A comment heartbeat every {DEFAULT_HEARTBEAT_SECONDS} s; the stream ends within a second "
        "when the key is revoked or its subscriber deactivated. A key holds at most two waits or streams at once "
        "(a third: 429 with Retry-After).",
    )
    return operation


_TIME = {"type": "string", "format": "date-time"}


def _control_paths():
    """The subscriber's controls (device.controls): blocks, spam reports and quiet hours."""
    block_id = {"name": "block_id", "in": "path", "required": True, "schema": {"type": "string"}}
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeviceNewBlock"}}},
    }
    create = _operation(
        "createBlock",
        "Blocks a callback number or a developer account: its call requests are refused from now on",
        "DeviceBlockAnswer",
        failures=[reasons.BAD_BLOCK, reasons.UNKNOWN_CALL_REQUEST],
        status="201",
        description="The sender is refused with “blocked by the recipient” and no call request is made. Blocking "
        "twice is one block.",
    )
    create["requestBody"] = body
    quiet = _operation(
        "setQuietHours",
        "Sets the subscriber's quiet hours in their own time zone, or clears them with {}",
        "DeviceQuietHoursAnswer",
        failures=[reasons.BAD_QUIET_HOURS],
        description="A call request that arrives in quiet hours is delivered as usual (event stream, long poll, "
        "the list) but its push is silent: FCM normal priority on the low-importance channel call_requests_quiet "
        "without sound, APNs interruption-level passive without sound, Web Push Urgency normal and silent: true. "
        "The window may run across midnight (22:00 to 07:00); start is inside it, end is not; start equal to end is "
        "the whole day. The sender's "
        "delivery trace marks such a push quiet: true.",
    )
    quiet["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeviceNewQuietHours"}}},
    }
    return {
        _path("blocks"): {
            "get": _operation("listBlocks", "The subscriber's blocks, newest first", "DeviceBlockList"),
            "post": create,
        },
        _path("block", "block_id"): {
            "delete": _operation(
                "deleteBlock",
                "Undoes a block; answers the block removed",
                "DeviceBlockAnswer",
                failures=[reasons.UNKNOWN_BLOCK],
                parameters=[block_id],
            )
        },
        _path("quiet_hours"): {
            "get": _operation(
                "getQuietHours", "The subscriber's quiet hours (null when none)", "DeviceQuietHoursAnswer"
            ),
            "put": quiet,
            "delete": _operation("clearQuietHours", "Clears the quiet hours", "DeviceQuietHoursAnswer"),
        },
        _path("spam", "call_request_id"): {
            "post": _operation(
                "reportSpam",
                "Reports a call request as spam: its developer is blocked, the request declined if open, and the "
                "report counts against the developer (enough of them suspend its tokens for review)",
                "DeviceCallRequestAnswer",
                failures=_ONE_FAILURES,
                parameters=[_ID_PARAMETER],
                description="No body.",
            )
        },
    }


def _control_schemas():
    block = {
        "type": "object",
        "required": ["id", "kind", "created_at"],
        "properties": {
            "id": {"type": "string", "example": "blk_8Hq2Xw3Zr4TtYb0c1D2e3F"},
            "kind": {"type": "string", "enum": ["number", "developer"]},
            "number": {"type": "string", "description": "A blocked callback number (E.164)"},
            "developer": {"type": "string", "description": "A blocked developer, by the app name that sent"},
            "created_at": _TIME,
        },
    }
    hours = {
        "type": "object",
        "required": ["start", "end", "time_zone"],
        "additionalProperties": False,
        "properties": {
            "start": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "22:00"},
            "end": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "07:00"},
            "time_zone": {
                "type": "string",
                "description": "An IANA time zone name",
                "enum": quiet.zone_names(),
                "example": "Asia/Seoul",
            },
        },
    }
    return {
        "DeviceQuietHours": hours,
        "DeviceQuietHoursShown": {
            **{name: value for name, value in hours.items() if name != "additionalProperties"},
            "nullable": True,
            "description": "The quiet hours; null without them.",
        },
        "DeviceQuietHoursAnswer": {
            "type": "object",
            "required": ["quiet_hours"],
            "properties": {"quiet_hours": {"$ref": "#/components/schemas/DeviceQuietHoursShown"}},
        },
        "DeviceNewQuietHours": {
            "oneOf": [
                {"$ref": "#/components/schemas/DeviceQuietHours"},
                {"type": "object", "maxProperties": 0, "description": "{} clears the quiet hours"},
            ]
        },
        "DeviceBlock": block,
        "DeviceBlockAnswer": {
            "type": "object",
            "required": ["block"],
            "properties": {"block": {"$ref": "#/components/schemas/DeviceBlock"}},
        },
        "DeviceBlockList": {
            "type": "object",
            "required": ["blocks"],
            "properties": {"blocks": {"type": "array", "items": {"$ref": "#/components/schemas/DeviceBlock"}}},
        },
        "DeviceNewBlock": {
            "oneOf": [
                {
                    "type": "object",
                    "description": "Block the callback number or the developer of one of the subscriber's requests",
                    "required": ["kind", "call_request"],
                    "additionalProperties": False,
                    "properties": {
                        "kind": {"type": "string", "enum": ["number", "developer"]},
                        "call_request": {"type": "string", "pattern": "^cr_[A-Za-z0-9]{22}$"},
                    },
                },
                {
                    "type": "object",
                    "description": "Block a callback number typed in, in international form",
                    "required": ["kind", "number"],
                    "additionalProperties": False,
                    "properties": {
                        "kind": {"type": "string", "enum": ["number"]},
                        "number": {"type": "string", "pattern": BLOCKED_NUMBER.pattern, "example": "+821077776666"},
                    },
                },
            ]
        },
    }


def _schemas():
    subscriber = {
        "type": "object",
        "required": ["number", "national_number", "country", "operator", "public_id", "test"],
        "properties": {
            "number": {"type": "string", "description": "E.164", "example": "+821011111111"},
            "national_number": {
                "type": "string",
                "description": "Digits as dialled in the country",
                "example": "01011111111",
            },
            "country": {"type": "string", "description": "ISO 3166-1 alpha-2, upper case", "example": "KR"},
            "operator": {"type": "string", "example": "SRTelecom"},
            "public_id": {"description": "The CallbackNow ID (a string), or null when none", "example": "airpagephone"},
            "test": {"type": "boolean", "description": "A test phone: only test tokens reach it", "example": False},
        },
    }
    call_request = {
        "type": "object",
        "required": ["id", "state", "requester", "message", "created_at", "updated_at", "expires_at", "history"],
        "properties": {
            "id": {"type": "string", "pattern": "^cr_[A-Za-z0-9]{22}$", "example": EXAMPLE_ID},
            "state": {"type": "string", "enum": STATES},
            "requester": {
                "type": "object",
                "description": "Who asks to be called back",
                "required": ["number", "national_number", "country"],
                "properties": {
                    "number": {"type": "string", "description": "E.164", "example": "+821010041004"},
                    "national_number": {"type": "string", "example": "01010041004"},
                    "country": {"type": "string", "example": "KR"},
                },
            },
            "message": {"type": "string", "example": "콜백 부탁드립니다"},
            "created_at": _TIME,
            "updated_at": _TIME,
            "expires_at": _TIME,
            "history": {
                "type": "array",
                "description": "Every state the request went through, in order, with its time (UTC)",
                "items": {
                    "type": "object",
                    "required": ["state", "at"],
                    "properties": {"state": {"type": "string", "enum": STATES}, "at": _TIME},
                },
            },
        },
    }
    texts = [reason.text for reason in reasons.ALL if reason is not reasons.REFUSED_CHANGE]
    return {
        "DeviceSubscriber": subscriber,
        "DeviceCallRequest": call_request,
        "DeviceMe": {
            "type": "object",
            "required": ["subscriber", "push"],
            "properties": {
                "subscriber": {"$ref": "#/components/schemas/DeviceSubscriber"},
                "push": {"$ref": "#/components/schemas/DevicePushShown"},
            },
        },
        "DevicePushTarget": {
            "description": "Where a push wakes the phone when its app sleeps: one of three kinds.",
            "oneOf": [
                {
                    "type": "object",
                    "title": "FCM (Android)",
                    "required": ["kind", "token"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["fcm"]},
                        "token": {"type": "string", "description": "The FCM registration token"},
                    },
                },
                {
                    "type": "object",
                    "title": "APNs (iOS)",
                    "required": ["kind", "token", "environment"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["apns"]},
                        "token": {"type": "string", "description": "The APNs device token, hexadecimal"},
                        "environment": {"type": "string", "enum": ["production", "sandbox"]},
                    },
                },
                {
                    "type": "object",
                    "title": "Web Push (browsers)",
                    "required": ["kind", "subscription"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["webpush"]},
                        "subscription": {
                            "type": "object",
                            "description": "PushSubscription.toJSON(): an https endpoint that passes the webhook "
                            "URLs' address rules, and its keys",
                            "required": ["endpoint", "keys"],
                            "properties": {
                                "endpoint": {"type": "string", "format": "uri"},
                                "keys": {
                                    "type": "object",
                                    "required": ["p256dh", "auth"],
                                    "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            ],
        },
        "DevicePushShown": {
            "type": "object",
            "nullable": True,
            "description": "The push target, its token masked; null without one.",
            "required": ["kind", "target"],
            "properties": {
                "kind": {"type": "string", "enum": ["fcm", "apns", "webpush"]},
                "target": {"type": "string", "example": "…D4fF"},
                "environment": {"type": "string", "enum": ["production", "sandbox"]},
            },
        },
        "DevicePushAnswer": {
            "type": "object",
            "required": ["push"],
            "properties": {"push": {"$ref": "#/components/schemas/DevicePushShown"}},
        },
        "DeviceCallRequestList": {
            "type": "object",
            "required": ["call_requests", "cursor"],
            "properties": {
                "call_requests": {"type": "array", "items": {"$ref": "#/components/schemas/DeviceCallRequest"}},
                "cursor": {"type": "string", "description": "Send it back as ?cursor= with the next long poll"},
            },
        },
        "DeviceCallRequestAnswer": {
            "type": "object",
            "required": ["call_request"],
            "properties": {"call_request": {"$ref": "#/components/schemas/DeviceCallRequest"}},
        },
        "DeviceEventTicket": {
            "type": "object",
            "required": ["ticket", "expires_in"],
            "properties": {
                "ticket": {"type": "string", "description": "Send it as ?ticket= to GET /device/v1/events"},
                "expires_in": {"type": "integer", "description": "Seconds it stays good", "example": 60},
            },
        },
        "DeviceFailure": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {
                    "type": "string",
                    "enum": [*texts, *reasons.REFUSED_CHANGE_TEXTS],
                    "description": "A short, stable English reason: "
                    + "; ".join(f"“{r.text}” (HTTP {r.status}): {r.description}" for r in reasons.ALL),
                }
            },
            "example": {"reason": reasons.UNKNOWN_KEY.text},
        },
    }


def paths_and_components():
    """{"paths", "schemas", "security_schemes", "tags"}: the device API's share of the OpenAPI document."""
    return {
        "paths": {**_paths(), **_control_paths()},
        "schemas": {**_schemas(), **_control_schemas()},
        "security_schemes": {
            SECURITY_SCHEME: {
                "type": "http",
                "scheme": "bearer",
                "description": "A device key: cbnd_ and 32 letters and digits, created by staff for the subscriber's "
                "phone (admin, or manage.py device_key NUMBER ISO) and shown once.",
            }
        },
        "tags": [
            {
                "name": TAG,
                "description": "What the CallbackNow app on a subscriber's phone calls: the subscriber's call "
                "requests, delivered by (long) polling, and their answers. JSON in UTF-8, never cached.",
            }
        ],
    }
