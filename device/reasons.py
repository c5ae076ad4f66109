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
UNKNOWN_CALL_REQUEST = Reason(
    "UNKNOWN_CALL_REQUEST",
    "unknown call request",
    404,
    "No call request with this ID was sent to this key's subscriber.",
)
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
    BAD_WAIT,
    UNKNOWN_CALL_REQUEST,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    REFUSED_CHANGE,
    SERVICE_UNAVAILABLE,
]
