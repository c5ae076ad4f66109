"""The device API's part of the OpenAPI document at /openapi.json (docs.openapi merges it). Pure, no database.

The paths come from device.urls and the failures from device.reasons, so that the document cannot drift from
what the endpoints answer; device/tests/test_openapi.py walks it against a live server.
"""

from urllib.parse import unquote

from django.urls import reverse

from api.models import CallRequest
from device import reasons
from device.auth import CHALLENGE
from device.views import MAX_WAIT_SECONDS

TAG = "Device API"
SECURITY_SCHEME = "deviceKey"
EXAMPLE_ID = "cr_8mQ2xY7bK4pL9sT1vW3zA6"
STATES = [state for state, _label in CallRequest.State.choices]


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
    reasons.METHOD_NOT_ALLOWED,
    reasons.SERVICE_UNAVAILABLE,
]


def _operation(operation_id, summary, schema, failures=(), parameters=(), description=None):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [TAG],
        "security": [{SECURITY_SCHEME: []}],
        "parameters": list(parameters),
        "responses": {
            "200": {
                "description": "Done",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
            },
            **_failure([*COMMON_FAILURES, *failures]),
        },
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
        _path("call_requests"): {
            "get": _operation(
                "listCallRequests",
                "The subscriber's open call requests, newest first; pending ones become delivered",
                "DeviceCallRequestList",
                failures=[reasons.BAD_WAIT],
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


_TIME = {"type": "string", "format": "date-time"}


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
            "required": ["subscriber"],
            "properties": {"subscriber": {"$ref": "#/components/schemas/DeviceSubscriber"}},
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
        "paths": _paths(),
        "schemas": _schemas(),
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
