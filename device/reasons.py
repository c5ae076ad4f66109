"""Every failure the device API answers: a stable English reason and its HTTP status. Pure, no database.

The app compares these texts, so they never change once published; device/openapi.py documents them.
"""

from api.models import CallRequest
from api.reasons import Reason

MISSING_KEY = Reason(
    "MISSING_KEY", "missing device key", 401, "The call has no Authorization: Bearer header with a device key."
)
UNKNOWN_KEY = Reason("UNKNOWN_KEY", "unknown device key", 401, "No device key has this value.")
REVOKED_KEY = Reason("REVOKED_KEY", "revoked device key", 401, "Staff revoked this device key; ask them for a new one.")
BAD_WAIT = Reason(
    "BAD_WAIT",
    "wait must be a whole number of seconds from 0 to 30",
    400,
    "The wait parameter is not a whole number of seconds from 0 to 30.",
)
INACTIVE_SUBSCRIBER = Reason(
    "INACTIVE_SUBSCRIBER",
    "subscriber deactivated",
    401,
    "Staff deactivated this key's subscriber: it receives no call requests, and its keys no longer work.",
)
BAD_TICKET = Reason(
    "BAD_TICKET",
    "unknown or expired event stream ticket",
    401,
    "The ticket is not one POST /device/v1/events/tickets gave, or it is over a minute old: ask for a new one.",
)
KEY_BUSY = Reason(
    "KEY_BUSY",
    "too many waits or streams for this device key",
    429,
    "A device key holds at most DEVICE_WAITS_PER_KEY (default 2) waits or event streams at once: one more is "
    "refused (see Retry-After) and those it holds go on. Closing one frees its place at once.",
)
SERVER_BUSY = Reason(
    "SERVER_BUSY",
    "server busy",
    503,
    "This server holds as many waiting connections as it takes: try again after Retry-After seconds.",
)
UNKNOWN_CALL_REQUEST = Reason(
    "UNKNOWN_CALL_REQUEST",
    "unknown call request",
    404,
    "No call request with this ID was sent to this key's subscriber.",
)
BAD_BLOCK = Reason(
    "BAD_BLOCK",
    "invalid block",
    400,
    'The body is not {"kind": "number" or "developer", "call_request": an ID of yours} or {"kind": "number", '
    '"number": a phone number in international form}.',
)
UNKNOWN_BLOCK = Reason("UNKNOWN_BLOCK", "unknown block", 404, "No block with this ID is the subscriber's.")
NOT_FOUND = Reason("NOT_FOUND", "not found", 404, "The device API has no such path.")
METHOD_NOT_ALLOWED = Reason(
    "METHOD_NOT_ALLOWED", "method not allowed", 405, "The path does not take this method; see the Allow header."
)
SERVICE_UNAVAILABLE = Reason(
    "SERVICE_UNAVAILABLE",
    "service unavailable",
    503,
    "The service cannot reach its database or cache right now. Nothing was changed; try again shortly.",
)

# A change the request's state no longer allows (answering a cancelled request): the text is
# api.models.InvalidTransition's, "call request is " and the state the request has reached.
REFUSED_CHANGE = Reason(
    "REFUSED_CHANGE",
    "call request is …",
    409,
    "The request was answered, declined, cancelled or expired meanwhile: the reason names its state.",
)
REFUSED_CHANGE_TEXTS = [
    f"call request is {state}" for state in CallRequest.State.values if state not in CallRequest.OPEN_STATES
]

ALL = [
    MISSING_KEY,
    UNKNOWN_KEY,
    REVOKED_KEY,
    INACTIVE_SUBSCRIBER,
    BAD_WAIT,
    BAD_TICKET,
    KEY_BUSY,
    SERVER_BUSY,
    UNKNOWN_CALL_REQUEST,
    BAD_BLOCK,
    UNKNOWN_BLOCK,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    REFUSED_CHANGE,
    SERVICE_UNAVAILABLE,
]
