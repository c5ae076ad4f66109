"""The OpenAPI 3 document at /openapi.json, written from the API's vocabulary (api.protocol, api.reasons).

Pure, no database: the operations, their paths and the example values come from api.protocol, so the
document, the page's copy-and-paste examples and the test that walks the document against the real
endpoints cannot drift apart.
"""

from django.conf import settings

from api import wire
from api.models import CallRequest
from api.protocol import (
    ACTIONS,
    CALL_REQUEST_ID_HEADER,
    EXAMPLE_JSONP_CALLBACK,
    EXAMPLE_OPERATOR,
    EXAMPLE_VALUES,
    GET_OPERATIONS,
    HOST_PLACEHOLDER,
    JSONP_PARAMETER,
    POST_PATH,
    REQUEST_ID_HEADER,
    STATUS,
    STATUS_OPERATION,
    TOKEN_PLACEHOLDER,
)
from api.reasons import TARGET_NOT_REGISTERED
from device import openapi as device_openapi
from lib import aes
from webhooks import openapi as webhooks_openapi

_PARAMETERS = {
    "token": ("Your developer token. It is the secret: keep it on your server.", TOKEN_PLACEHOLDER),
    "my_number": ("The number that will receive the call back (the requester).", EXAMPLE_VALUES["my_number"]),
    "my_iso": (
        "ISO 3166-1 alpha-2 code of my_number's country, any letter case (see the country table).",
        EXAMPLE_VALUES["my_iso"],
    ),
    "target_number": ("The number that receives the call request.", EXAMPLE_VALUES["target_number"]),
    "target_iso": (
        "ISO 3166-1 alpha-2 code of target_number's country, any letter case.",
        EXAMPLE_VALUES["target_iso"],
    ),
    "target_id": ("The CallbackNow user ID that receives the call request.", EXAMPLE_VALUES["target_id"]),
    "call_request_id": (
        f"The call request's ID: the {CALL_REQUEST_ID_HEADER} header of the callback's answer.",
        EXAMPLE_VALUES["call_request_id"],
    ),
    "message": (
        "Text shown on the target's call request screen: UTF-8, percent-encoded; it may contain '/'. "
        "One surrounding pair of double quotes (as in the original documentation's examples) is not part of it.",
        EXAMPLE_VALUES["message"],
    ),
}

# (field, plaintext meaning, example plaintext) in api.protocol.POST_FIELD_DOCS' order; mytoken's and foot's examples are
# made per request.
POST_FIELD_DOCS = (
    ("myaction", ", ".join(ACTIONS[:-1]) + " or " + ACTIONS[-1], ACTIONS[0]),
    ("mymsg", "the message (empty for a cancel)", EXAMPLE_VALUES["message"]),
    ("iso", "the target's ISO country code", EXAMPLE_VALUES["target_iso"]),
    (
        "phonenumber",
        "the target's number (its CallbackNow ID for neocallback/neocancel)",
        EXAMPLE_VALUES["target_number"],
    ),
    ("myiso", "my ISO country code", EXAMPLE_VALUES["my_iso"]),
    ("myphonenumber", "my number, which receives the call back", EXAMPLE_VALUES["my_number"]),
    ("mytoken", "the token itself", None),
    ("foot", "milliseconds since 1970-01-01 UTC, within the server's window", None),
)

# An http(s) URL naming a host name (a token's host): what the encrypted POST's Referer must be to select a token.
REFERER_PATTERN = (
    r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){0,3}[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(:[0-9]{1,4})?(/[!-~]*)?$"
)
CIPHERTEXT_PATTERN = r"^(?:[A-Za-z0-9+/]{4}){5,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"
# A made-up token for the worked encryption examples; never issued (real tokens start with the prefix).
SAMPLE_KEY = "0123456789abcdef0123456789abcdef"
SAMPLE_FOOT = "1764581040120"  # 2025-12-01T09:24:00.120Z: any real request sends the time it is sent


def _encrypted_example():
    """The body of POST_FIELD_DOCS' example plaintexts under SAMPLE_KEY, as the seed's PHP client sends it."""
    plain = {name: example for name, _meaning, example in POST_FIELD_DOCS}
    plain.update(mytoken=SAMPLE_KEY, foot=SAMPLE_FOOT)
    return {name: aes.encrypt_field(SAMPLE_KEY, value) for name, value in plain.items()}


_EXAMPLE_SUCCESS = {
    "result": "success",
    "opname": EXAMPLE_OPERATOR,
    "iso": EXAMPLE_VALUES["target_iso"],
    "phone_number": EXAMPLE_VALUES["target_number"],
}

# Failures only one transport can meet; every other reason applies to both.
POST_ONLY_REASONS = {
    "REFERER_REQUIRED",
    "MALFORMED_BODY",
    "UNDECRYPTABLE_FIELD",
    "INVALID_FOOT",
    "STALE_FOOT",
    "REPLAYED_REQUEST",
}
GET_ONLY_REASONS = {"INVALID_CALLBACK", "TOO_MANY_PARAMETERS"}
# The status call meets only these (it validates no number or message), and only it meets UNKNOWN_CALL_REQUEST.
STATUS_REASONS = {
    "UNKNOWN_TOKEN",
    "TOKEN_NOT_ACTIVE",
    "HOST_MISMATCH",
    "RATE_LIMITED",
    "METHOD_NOT_ALLOWED",
    "MISSING_PARAMETER",
    "TOO_MANY_PARAMETERS",
    "INVALID_CALLBACK",
    "UNKNOWN_CALL_REQUEST",
    "SERVICE_UNAVAILABLE",
    "OUTCOME_UNKNOWN",
}


def reasons_for(transport, reasons):
    """The reasons a "get", "post" or "status" request can be answered with, in the reasons' order."""
    if transport == STATUS:
        return [reason for reason in reasons if reason.code in STATUS_REASONS]
    excluded = (GET_ONLY_REASONS if transport == "post" else POST_ONLY_REASONS) | {"UNKNOWN_CALL_REQUEST"}
    return [reason for reason in reasons if reason.code not in excluded]


def _failure_responses(reasons):
    """One response per HTTP status, its reason restricted to the texts answered with that status."""
    statuses = {}
    for reason in reasons:
        statuses.setdefault(reason.status, []).append(reason.text)
    responses = {}
    for status, texts in sorted(statuses.items()):
        headers = {REQUEST_ID_HEADER: {"$ref": "#/components/headers/requestId"}, **RATE_LIMIT_HEADERS}
        if status == 429:
            headers["Retry-After"] = {"$ref": "#/components/headers/retryAfter"}
        if status == 405:
            headers["Allow"] = {"$ref": "#/components/headers/allow"}
        responses[str(status)] = {
            "description": "Failed: " + "; ".join(texts),
            "headers": headers,
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Failure"},
                            {"type": "object", "properties": {"reason": {"type": "string", "enum": texts}}},
                        ]
                    }
                }
            },
        }
    return responses


STATES = CallRequest.State.choices
# On every answer of the Open API (api.rate_limits): the IETF fields of the limit the call was counted against.
RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {"$ref": "#/components/headers/rateLimitPolicy"},
    "RateLimit": {"$ref": "#/components/headers/rateLimit"},
}


def _success_response(jsonp, schema="Success", example=_EXAMPLE_SUCCESS, call_request_id=True):
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    if jsonp:
        content["application/javascript"] = {
            "schema": {"$ref": "#/components/schemas/JsonpBody"},
            "example": f"/**/{EXAMPLE_JSONP_CALLBACK}({wire.json_body(example)});",
        }
    description = "Done (with ?callback=: every answer, success or failure, is a 200 JavaScript call)"
    headers = {REQUEST_ID_HEADER: {"$ref": "#/components/headers/requestId"}, **RATE_LIMIT_HEADERS}
    if call_request_id:
        headers[CALL_REQUEST_ID_HEADER] = {"$ref": "#/components/headers/callRequestId"}
    return {"description": description if jsonp else "Done", "headers": headers, "content": content}


def _get_operation(op, reasons):
    names = ["token", *op.parameters]
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": _PARAMETERS[name][0],
            "schema": {"type": "string"},
            "example": _PARAMETERS[name][1],
        }
        for name in names
    ]
    parameters.append({"$ref": "#/components/parameters/jsonpCallback"})
    parameters.append({"$ref": "#/components/parameters/pageReferer"})
    return {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": ["GET and JSONP"],
        "parameters": parameters,
        "responses": {"200": _success_response(jsonp=True), **_failure_responses(reasons_for("get", reasons))},
    }


# The status call's answer for a request answered on the phone; the docs page shows it too.
STATUS_EXAMPLE = {
    "result": "success",
    "id": EXAMPLE_VALUES["call_request_id"],
    "state": "answered",
    "history": [
        {"state": "pending", "at": "2026-12-01T09:24:00.120Z"},
        {"state": "delivered", "at": "2026-12-01T09:24:00.410Z"},
        {"state": "seen", "at": "2026-12-01T09:24:07.002Z"},
        {"state": "answered", "at": "2026-12-01T09:24:09.517Z"},
    ],
    "expires_at": "2026-12-02T09:24:00.120Z",
    "delivery": [
        {
            "path": "fcm",
            "at": "2026-12-01T09:24:00.160Z",
            "outcome": "sent",
            "action": "send",
            "status": 200,
            "answer": "projects/callbacknow-app/messages/0:1796203440170000%8f3a",
        },
        {"path": "long_poll", "at": "2026-12-01T09:24:00.410Z", "outcome": "delivered"},
    ],
}


def _status_operation(reasons):
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": _PARAMETERS[name][0],
            "schema": {"type": "string"},
            "example": _PARAMETERS[name][1],
        }
        for name in ["token", *STATUS_OPERATION.parameters]
    ]
    parameters += [{"$ref": "#/components/parameters/jsonpCallback"}, {"$ref": "#/components/parameters/pageReferer"}]
    return {
        "operationId": STATUS_OPERATION.operation_id,
        "summary": STATUS_OPERATION.summary,
        "description": "Only the tokens of the developer who sent the call request may read it; for any other "
        "token it is an unknown call request.",
        "tags": ["Call request status"],
        "parameters": parameters,
        "responses": {
            "200": _success_response(jsonp=True, schema="Status", example=STATUS_EXAMPLE, call_request_id=False),
            **_failure_responses(reasons_for(STATUS, reasons)),
        },
    }


def _post_operation(reasons):
    return {
        "operationId": "encryptedPost",
        "summary": "Any action, every field encrypted with the token (as the original PHP client sends it)",
        "tags": ["Encrypted POST"],
        "parameters": [
            {
                "name": "Referer",
                "in": "header",
                "required": True,
                "description": f"A URL on the host registered for the token, e.g. http://{HOST_PLACEHOLDER}/ — it selects "
                "the candidate tokens.",
                "schema": {"type": "string", "pattern": REFERER_PATTERN},
                "example": f"http://{HOST_PLACEHOLDER}/",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EncryptedRequest"}}},
        },
        "responses": {"200": _success_response(jsonp=False), **_failure_responses(reasons_for("post", reasons))},
    }


def _schemas(reasons):
    field_schema = {
        "type": "string",
        # Base64 of one AES block at least: PKCS#7 pads even an empty plaintext to 16 bytes (24 characters).
        "pattern": CIPHERTEXT_PATTERN,
        "description": "base64(AES-CBC(key = the token's bytes, IV = 16 zero bytes, PKCS#7 padding) of the plaintext)",
    }
    return {
        "Success": {
            "type": "object",
            "required": ["result", "opname", "iso", "phone_number"],
            "properties": {
                "result": {"type": "string", "enum": ["success"]},
                "opname": {"type": "string", "description": "The target's operator name", "example": EXAMPLE_OPERATOR},
                "iso": {
                    "type": "string",
                    "description": "The target's ISO country code as sent (for an ID: that user's)",
                    "example": EXAMPLE_VALUES["target_iso"],
                },
                "phone_number": {
                    "type": "string",
                    "description": "The target's number as sent (for an ID: that user's number)",
                    "example": EXAMPLE_VALUES["target_number"],
                },
            },
        },
        "Failure": {
            "type": "object",
            "required": ["result", "reason"],
            "properties": {
                "result": {"type": "string", "enum": ["failed"]},
                "reason": {
                    "type": "string",
                    "enum": [reason.text for reason in reasons],
                    "description": "A short, stable English reason: "
                    + "; ".join(f"“{r.text}” (HTTP {r.status}): {r.description}" for r in reasons),
                },
            },
            "example": {"result": "failed", "reason": TARGET_NOT_REGISTERED.text},
        },
        "Status": {
            "type": "object",
            "required": ["result", "id", "state", "history", "expires_at", "delivery"],
            "properties": {
                "result": {"type": "string", "enum": ["success"]},
                "id": {
                    "type": "string",
                    "description": f"The call request's ID, as the {CALL_REQUEST_ID_HEADER} header "
                    "of the callback's answer gave it",
                },
                "state": {"type": "string", "enum": [state for state, _label in STATES]},
                "history": {
                    "type": "array",
                    "description": "Every state the request went through, in order, with its time (UTC)",
                    "items": {
                        "type": "object",
                        "required": ["state", "at"],
                        "properties": {
                            "state": {"type": "string", "enum": [state for state, _label in STATES]},
                            "at": {"type": "string", "format": "date-time"},
                        },
                    },
                },
                "expires_at": {"type": "string", "format": "date-time"},
                "delivery": {
                    "type": "array",
                    "description": "The delivery trace, oldest first: each push attempt (fcm, apns or webpush: "
                    "send or withdraw, the provider's HTTP status and its answer or message ID; outcome sent, "
                    "retry, dead or failed) and the event stream or long poll that handed the request to the phone "
                    "(outcome delivered; page: the virtual phone's page without JavaScript). Added after the fields above.",
                    "items": {
                        "type": "object",
                        "required": ["path", "at", "outcome"],
                        "properties": {
                            "path": {
                                "type": "string",
                                "enum": ["fcm", "apns", "webpush", "stream", "long_poll", "page"],
                            },
                            "at": {"type": "string", "format": "date-time"},
                            "outcome": {"type": "string", "enum": ["delivered", "sent", "retry", "dead", "failed"]},
                            "action": {"type": "string", "enum": ["send", "withdraw"]},
                            "status": {"type": "integer"},
                            "answer": {"type": "string"},
                            "quiet": {
                                "type": "boolean",
                                "description": "true: pushed silently, in the recipient's quiet hours",
                            },
                        },
                    },
                },
            },
        },
        "JsonpBody": {
            "type": "string",
            "pattern": r"^(/\*\*/)?[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*\(\{.*\}\);$",
            "description": "The JSON answer (success or failure) as the argument of a call of the ?callback= function",
        },
        "EncryptedRequest": {
            "type": "object",
            "required": [name for name, _meaning, _example in POST_FIELD_DOCS],
            "properties": {
                name: {
                    **field_schema,
                    "description": f"{meaning}; {field_schema['description']}",
                    "x-plaintext": example,
                }
                for name, meaning, example in POST_FIELD_DOCS
            },
            "example": _encrypted_example(),
        },
    }


def document(base_url, reasons):
    """The OpenAPI 3.0 document for the API served at base_url; reasons: api.reasons.ALL."""
    window_minutes = settings.API_FOOT_WINDOW_SECONDS / 60
    paths = {op.template: {"get": _get_operation(op, reasons)} for op in GET_OPERATIONS}
    paths[STATUS_OPERATION.template] = {"get": _status_operation(reasons)}
    paths[POST_PATH] = {"post": _post_operation(reasons)}
    device = device_openapi.paths_and_components()
    paths.update(device["paths"])
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "CallbackNow (시시콜콜) Open API",
            "version": "1",
            "description": (
                "Send call requests (callback, neocallback) and withdraw them (cancel, neocancel). "
                "GET: the parameters are path segments; a request with neither Referer nor Origin is "
                "server-to-server and allowed, so the token is the secret; a browser's Referer or Origin must "
                "match the token's host. Add `?callback=<function name>` for JSONP (always HTTP 200). "
                "POST: every field encrypted with the token, the Referer on the token's host, foot within "
                f"{window_minutes:g} minutes of server time, and each request accepted once (a replay is refused)."
            ),
        },
        "servers": [{"url": base_url}],
        "tags": [
            {"name": "GET and JSONP"},
            {"name": "Encrypted POST"},
            {"name": "Call request status"},
            *device["tags"],
            webhooks_openapi.tag(),
        ],
        "paths": paths,
        "x-webhooks": webhooks_openapi.webhooks(),
        "components": {
            "schemas": {**_schemas(reasons), **device["schemas"]},
            "securitySchemes": device["security_schemes"],
            "headers": {
                "requestId": {
                    "description": "This answer's ID, also in the token's request log: quote it to support.",
                    "schema": {"type": "string", "pattern": "^req_[0-9a-f]{24}$"},
                },
                "callRequestId": {
                    "description": "On a successful callback or neocallback: the call request's ID, for the status call.",
                    "schema": {"type": "string", "pattern": "^cr_[A-Za-z0-9]{22}$"},
                },
                "rateLimitPolicy": {
                    "description": 'The limit the call was counted against (IETF RateLimit-Policy): "token", the '
                    "token's calls, or \"address\", the client address's refused calls; q calls in w seconds.",
                    "schema": {"type": "string", "pattern": '^"(token|address)";q=[0-9]+;w=60$'},
                },
                "rateLimit": {
                    "description": "Where the caller stands in that limit (IETF RateLimit): r calls left, more in t "
                    "seconds. The window slides.",
                    "schema": {"type": "string", "pattern": '^"(token|address)";r=[0-9]+;t=[0-9]+$'},
                },
                "allow": {
                    "description": "On a 405: the methods the path takes (OPTIONS is a browser's CORS preflight).",
                    "schema": {"type": "string"},
                },
                "retryAfter": {
                    "description": "On a rate limited answer: the seconds to wait before calling again.",
                    "schema": {"type": "integer", "minimum": 1},
                },
            },
            "parameters": {
                "jsonpCallback": {
                    "name": JSONP_PARAMETER,
                    "in": "query",
                    "required": False,
                    "description": "JSONP: the name of a JavaScript function (identifiers joined by dots) to wrap "
                    "the answer in; the answer is then application/javascript with HTTP 200.",
                    "schema": {
                        "type": "string",
                        "maxLength": wire.CALLBACK_MAX_LENGTH,
                        "pattern": r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$",
                    },
                    "example": EXAMPLE_JSONP_CALLBACK,
                },
                "pageReferer": {
                    "name": "Referer",
                    "in": "header",
                    "required": False,
                    "description": "Sent by browsers. When present (or Origin is), its host must match the token's "
                    "host; without both the call is server-to-server.",
                    "schema": {"type": "string"},
                },
            },
        },
    }
