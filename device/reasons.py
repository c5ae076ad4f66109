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
BAD_QUIET_HOURS = Reason(
    "BAD_QUIET_HOURS",
    "invalid quiet hours",
    400,
    'The body is not {"start": "HH:MM", "end": "HH:MM", "time_zone": an IANA time zone name such as "Asia/Seoul"} '
    "(on a 24-hour clock; start equal to end is the whole day) or {} to clear them; a PUT without a body is refused.",
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

# PUT /device/v1/push: a push target that cannot be registered (device.push.targets).
PUSH_BODY = Reason(
    "PUSH_BODY",
    "body must be a JSON object with kind fcm, apns or webpush",
    400,
    "The body is not a JSON object, or its kind is not fcm, apns or webpush.",
)
PUSH_FCM_TOKEN = Reason(
    "PUSH_FCM_TOKEN",
    "token must be an FCM registration token",
    400,
    "token is missing, or is not an FCM registration token (letters, digits, '-', '_' and ':', up to 4096).",
)
PUSH_APNS_TOKEN = Reason(
    "PUSH_APNS_TOKEN",
    "token must be an APNs device token in hexadecimal",
    400,
    "token is missing, or is not an APNs device token: hexadecimal, 64 to 200 digits.",
)
PUSH_APNS_ENVIRONMENT = Reason(
    "PUSH_APNS_ENVIRONMENT",
    "environment must be production or sandbox",
    400,
    "An APNs target names the environment its token comes from: production (App Store, TestFlight) or sandbox.",
)
PUSH_SUBSCRIPTION = Reason(
    "PUSH_SUBSCRIPTION",
    "subscription must have an endpoint and keys p256dh and auth",
    400,
    "A Web Push target is the browser's PushSubscription as JSON: {endpoint, keys: {p256dh, auth}}.",
)
PUSH_ENDPOINT_HTTPS = Reason(
    "PUSH_ENDPOINT_HTTPS",
    "endpoint must be an https URL",
    400,
    "The subscription's endpoint is not an https URL with a host (and no user name or password).",
)
PUSH_ENDPOINT_ADDRESS = Reason(
    "PUSH_ENDPOINT_ADDRESS",
    "endpoint's host does not resolve to a public address",
    400,
    "The endpoint's host does not resolve, or resolves to a loopback, private, link-local or reserved address: "
    "the same rules as webhook URLs.",
)
PUSH_KEYS = Reason(
    "PUSH_KEYS",
    "keys must be a P-256 public key (p256dh) and a 16-byte secret (auth) in base64url",
    400,
    "p256dh is the subscription's uncompressed P-256 public key (65 bytes) and auth its 16-byte authentication "
    "secret, both in base64url as PushSubscription.toJSON() gives them.",
)
PUSH_FAILURES = [
    PUSH_BODY,
    PUSH_FCM_TOKEN,
    PUSH_APNS_TOKEN,
    PUSH_APNS_ENVIRONMENT,
    PUSH_SUBSCRIPTION,
    PUSH_ENDPOINT_HTTPS,
    PUSH_ENDPOINT_ADDRESS,
    PUSH_KEYS,
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
    BAD_QUIET_HOURS,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    REFUSED_CHANGE,
    SERVICE_UNAVAILABLE,
    *PUSH_FAILURES,
]
