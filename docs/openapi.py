"""The Open API described once: the OpenAPI 3 document at /openapi.json and the home page's examples.

Pure, no database: the operations, their paths and the example values live here, so the document,
the page's copy-and-paste examples and the test that walks the document against the real endpoints
cannot drift apart.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from api import wire

POST_PATH = "/callback/callback_api.php"

# The seed's own example values: the demo data registers the target 01011111111/kr (operator
# SRTelecom, ID airpagephone).
EXAMPLE_VALUES = {
    "my_number": "01010041004",
    "my_iso": "kr",
    "target_number": "01011111111",
    "target_iso": "kr",
    "target_id": "airpagephone",
    "message": "hello world",
}
EXAMPLE_JSONP_CALLBACK = "mycallbackfunction"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    template: str  # an OpenAPI path template
    summary: str

    def path(self, token, **values):
        """The template filled with the example values (overridable), each percent-encoded as one segment.

        The token goes in as given: real tokens are letters and digits, and a masked one ("cbn_…AbCd") reads
        better as itself in an example.
        """
        path = self.template.replace("{token}", token)
        for name, value in {**EXAMPLE_VALUES, **values}.items():
            path = path.replace(f"{{{name}}}", quote(str(value), safe=""))
        return path


GET_OPERATIONS = (
    Operation(
        "callback",
        "/{token}/callback/{my_number}/{my_iso}/{target_number}/{target_iso}/{message}",
        "Send a call request to a phone number",
    ),
    Operation(
        "neocallback",
        "/{token}/neocallback/{my_number}/{my_iso}/{target_id}/{message}",
        "Send a call request to a CallbackNow user's ID",
    ),
    Operation(
        "cancel",
        "/{token}/cancel/{my_number}/{my_iso}/{target_number}/{target_iso}",
        "Withdraw a call request sent to a phone number",
    ),
    Operation(
        "neocancel",
        "/{token}/neocancel/{my_number}/{my_iso}/{target_id}",
        "Withdraw a call request sent to a CallbackNow user's ID",
    ),
    Operation(
        "cancelById",
        "/{token}/cancel/{my_number}/{my_iso}/{target_id}",
        "Withdraw a call request sent to an ID (the original documentation's form of neocancel)",
    ),
)


def operation(operation_id):
    return next(op for op in GET_OPERATIONS if op.operation_id == operation_id)


_PARAMETERS = {
    "token": ("Your developer token. It is the secret: keep it on your server.", "YOUR_TOKEN"),
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
    "message": (
        "Text shown on the target's call request screen: UTF-8, percent-encoded; it may contain '/'. "
        "One surrounding pair of double quotes (as in the original documentation's examples) is not part of it.",
        EXAMPLE_VALUES["message"],
    ),
}

# (field, plaintext meaning, example plaintext); the example for mytoken and foot is made per request.
POST_FIELDS = (
    ("myaction", "callback, neocallback, cancel or neocancel", "callback"),
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


def reasons_for(transport, reasons):
    """The reasons a "get" or "post" request can be answered with, in the reasons' order."""
    excluded = GET_ONLY_REASONS if transport == "post" else POST_ONLY_REASONS
    return [reason for reason in reasons if reason.code not in excluded]


def _failure_responses(reasons):
    """One response per HTTP status, its reason restricted to the texts answered with that status."""
    statuses = {}
    for reason in reasons:
        statuses.setdefault(reason.status, []).append(reason.text)
    responses = {}
    for status, texts in sorted(statuses.items()):
        responses[str(status)] = {
            "description": "Failed: " + "; ".join(texts),
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


def _success_response(jsonp):
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Success"}}}
    if jsonp:
        content["application/javascript"] = {
            "schema": {"$ref": "#/components/schemas/JsonpBody"},
            "example": "/**/" + EXAMPLE_JSONP_CALLBACK + '({"result":"success","opname":"SRTelecom","iso":"kr",'
            '"phone_number":"01011111111"});',
        }
    description = "Done (with ?callback=: every answer, success or failure, is a 200 JavaScript call)"
    return {"description": description if jsonp else "Done", "content": content}


def _get_operation(op, reasons):
    names = [segment[1:-1] for segment in op.template.split("/") if segment.startswith("{")]
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
                "description": "A URL on the host registered for the token, e.g. http://example.com/ — it selects "
                "the candidate tokens.",
                "schema": {"type": "string"},
                "example": "http://example.com/",
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
        "format": "byte",
        "description": "base64(AES-CBC(key = the token's bytes, IV = 16 zero bytes, PKCS#7 padding) of the plaintext)",
    }
    return {
        "Success": {
            "type": "object",
            "required": ["result", "opname", "iso", "phone_number"],
            "properties": {
                "result": {"type": "string", "enum": ["success"]},
                "opname": {"type": "string", "description": "The target's operator name", "example": "SRTelecom"},
                "iso": {
                    "type": "string",
                    "description": "The target's ISO country code as sent (for an ID: that user's)",
                    "example": "kr",
                },
                "phone_number": {
                    "type": "string",
                    "description": "The target's number as sent (for an ID: that user's number)",
                    "example": "01011111111",
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
            "example": {"result": "failed", "reason": "target number is not registered to callbacknow"},
        },
        "JsonpBody": {
            "type": "string",
            "pattern": r"^(/\*\*/)?[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*\(\{.*\}\);$",
            "description": "The JSON answer (success or failure) as the argument of a call of the ?callback= function",
        },
        "EncryptedRequest": {
            "type": "object",
            "required": [name for name, _meaning, _example in POST_FIELDS],
            "properties": {
                name: {
                    **field_schema,
                    "description": f"{meaning}; {field_schema['description']}",
                    "x-plaintext": example,
                }
                for name, meaning, example in POST_FIELDS
            },
        },
    }


def document(base_url, reasons):
    """The OpenAPI 3.0 document for the API served at base_url; reasons: api.reasons.ALL."""
    window_minutes = settings.API_FOOT_WINDOW_SECONDS / 60
    paths = {op.template: {"get": _get_operation(op, reasons)} for op in GET_OPERATIONS}
    paths[POST_PATH] = {"post": _post_operation(reasons)}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "CallbackNow (시시콜콜) Open API",
            "version": "1",
            "description": (
                "Send call requests (callback, neocallback) and withdraw them (cancel, neocancel). "
                "GET: the parameters are path segments; a request with neither Referer nor Origin is "
                "server-to-server and allowed, so the token is the secret; a browser's Referer or Origin must "
                "match the token's host. Add ?callback=<function name> for JSONP (always HTTP 200). "
                "POST: every field encrypted with the token, the Referer on the token's host, foot within "
                f"{window_minutes:g} minutes of server time, and each request accepted once (a replay is refused)."
            ),
        },
        "servers": [{"url": base_url}],
        "tags": [{"name": "GET and JSONP"}, {"name": "Encrypted POST"}],
        "paths": paths,
        "components": {
            "schemas": _schemas(reasons),
            "parameters": {
                "jsonpCallback": {
                    "name": "callback",
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
