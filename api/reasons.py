"""Every failure the Open API can answer: a stable English reason and its HTTP status. Pure, no database.

Clients compare these texts, so they never change once published; the documentation page and the
OpenAPI document render ALL as the table of failures. A JSONP answer is always HTTP 200 (a script
tag cannot read the status); the reason is the same.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Reason(NamedTuple):
    code: str
    text: str
    status: int
    description: str


UNKNOWN_TOKEN = Reason(
    "UNKNOWN_TOKEN",
    "unknown token",
    401,
    _("No token has this value. For POST: no token bound to the Referer's host encrypted mytoken with itself."),
)
TOKEN_NOT_ACTIVE = Reason(
    "TOKEN_NOT_ACTIVE",
    "token not active",
    403,
    _(
        "The token is pending approval, rejected, suspended, revoked or expired, or it is a rolled-over value past its grace period."
    ),
)
HOST_MISMATCH = Reason(
    "HOST_MISMATCH",
    "host mismatch",
    403,
    _("The request carries a Referer or Origin whose host the token is not bound to."),
)
REFERER_REQUIRED = Reason(
    "REFERER_REQUIRED",
    "referer required",
    400,
    _("An encrypted POST must carry a Referer (or Origin) naming the token's host: it selects the token."),
)
RATE_LIMITED = Reason(
    "RATE_LIMITED",
    "rate limited",
    429,
    _(
        "The token has made more calls this minute than its limit allows, or the client address more refused "
        "calls (unknown token, stale or replayed request…). Retry-After says in how many seconds to try again."
    ),
)
METHOD_NOT_ALLOWED = Reason(
    "METHOD_NOT_ALLOWED",
    "method not allowed",
    405,
    _("The GET endpoints take GET only; /callback/callback_api.php takes POST only."),
)
UNKNOWN_ACTION = Reason(
    "UNKNOWN_ACTION",
    "unknown action",
    404,
    _("The action is not one of callback, neocallback, cancel, neocancel."),
)
MISSING_PARAMETER = Reason(
    "MISSING_PARAMETER",
    "missing parameter",
    400,
    _("A parameter the action needs is absent or empty."),
)
TOO_MANY_PARAMETERS = Reason(
    "TOO_MANY_PARAMETERS",
    "too many parameters",
    400,
    _("The path has more parts than the action takes (only a message may contain “/”)."),
)
BAD_COUNTRY_CODE = Reason(
    "BAD_COUNTRY_CODE",
    "bad country code",
    400,
    _("The country is not an ISO 3166 alpha-2 code with telephone numbering (any letter case)."),
)
INVALID_NUMBER = Reason(
    "INVALID_NUMBER",
    "invalid number",
    400,
    _("The phone number is not a valid number of the given country."),
)
INVALID_MESSAGE = Reason(
    "INVALID_MESSAGE",
    "invalid message",
    400,
    _("The message contains control characters, or is not UTF-8 text (percent-encode it as UTF-8)."),
)
MESSAGE_TOO_LONG = Reason(
    "MESSAGE_TOO_LONG",
    "message too long",
    400,
    _("The message is longer than the maximum number of characters."),
)
INVALID_CALLBACK = Reason(
    "INVALID_CALLBACK",
    "invalid callback name",
    400,
    _(
        "The JSONP callback is not a JavaScript identifier path (such as cb or app.on_done) of at most 64 characters. Answered as plain JSON."
    ),
)
MALFORMED_BODY = Reason(
    "MALFORMED_BODY",
    "malformed body",
    400,
    _("The POST body is not a JSON object of strings, or is larger than 16 KiB."),
)
UNDECRYPTABLE_FIELD = Reason(
    "UNDECRYPTABLE_FIELD",
    "undecryptable field",
    400,
    _("A field is not base64 of AES-CBC (zero IV, PKCS#7) of UTF-8 text under the token."),
)
INVALID_FOOT = Reason(
    "INVALID_FOOT",
    "invalid foot",
    400,
    _("foot does not decrypt to a whole number of milliseconds since the epoch."),
)
STALE_FOOT = Reason(
    "STALE_FOOT",
    "stale foot",
    400,
    _("foot is further from the server's clock than the allowed window (five minutes by default)."),
)
REPLAYED_REQUEST = Reason(
    "REPLAYED_REQUEST",
    "replayed request",
    409,
    _(
        "An encrypted request with the same token and foot was already received, whatever its other fields (each "
        "foot is accepted once per token). A client sending several requests at once gives each a foot of its own: "
        "the next millisecond when this one is taken."
    ),
)
TARGET_NOT_REGISTERED = Reason(
    "TARGET_NOT_REGISTERED",
    "target number is not registered to callbacknow",
    404,
    _("The target number does not belong to a CallbackNow user."),
)
TARGET_ID_NOT_REGISTERED = Reason(
    "TARGET_ID_NOT_REGISTERED",
    "target id is not registered to callbacknow",
    404,
    _("No CallbackNow user has this ID."),
)
NOTHING_PENDING = Reason(
    "NOTHING_PENDING",
    "nothing pending to cancel",
    409,
    _(
        "Your tokens have no open call request from this number to this target (never sent, or already answered, "
        "declined, cancelled or expired)."
    ),
)
UNKNOWN_CALL_REQUEST = Reason(
    "UNKNOWN_CALL_REQUEST",
    "unknown call request",
    404,
    _("No call request with this ID was sent by a token of yours (status: the ID is the X-Call-Request-Id header)."),
)
TEST_TOKEN_LIVE_TARGET = Reason(
    "TEST_TOKEN_LIVE_TARGET",
    "test tokens reach only test phones",
    403,
    _(
        "A test token (cbn_test_…) was used with a number or ID outside test mode: it reaches only the magic test "
        "numbers and your own test phones (010-0000-0000 to 010-0009-9999, IDs test-…). Use a live token for real "
        "phones."
    ),
)
LIVE_TOKEN_TEST_TARGET = Reason(
    "LIVE_TOKEN_TEST_TARGET",
    "live tokens cannot reach test phones",
    403,
    _(
        "A live token was used with a test number (010-0000-0000 to 010-0009-9999) or a test ID (test-…): "
        "those are reached with a test token only."
    ),
)
REFERER_OR_ORIGIN_REQUIRED = Reason(
    "REFERER_OR_ORIGIN_REQUIRED",
    "referer or origin required",
    403,
    _(
        "The token is restricted to websites and the request carries neither an Origin nor a Referer naming its "
        "host. Call from a page of that host, or restrict the token to your servers' addresses."
    ),
)
ADDRESS_NOT_ALLOWED = Reason(
    "ADDRESS_NOT_ALLOWED",
    "address not allowed",
    403,
    _("The token is restricted to servers and the request comes from an address outside its list of IP addresses."),
)
COSTLY_CALLBACK_NUMBER = Reason(
    "COSTLY_CALLBACK_NUMBER",
    "callback number charges the caller",
    400,
    _(
        "My number is a premium-rate or shared-cost number: whoever dials it pays for it, so no one is asked to "
        "call it."
    ),
)
CALLBACK_NUMBER_NOT_ALLOWED = Reason(
    "CALLBACK_NUMBER_NOT_ALLOWED",
    "callback number not allowed",
    403,
    _("My number is not one of the token's allowed callback numbers (set on the token's page)."),
)
TARGET_COUNTRY_NOT_ENABLED = Reason(
    "TARGET_COUNTRY_NOT_ENABLED",
    "target country not enabled",
    403,
    _("The target's country is not one your account may reach. Staff enable countries for an account on request."),
)
TARGET_RATE_LIMITED = Reason(
    "TARGET_RATE_LIMITED",
    "too many requests to this target",
    429,
    _(
        "Your account's tokens together sent this target as many call requests as an hour or a day allows. "
        "Retry-After says in how many seconds to try again."
    ),
)
BLOCKED_BY_RECIPIENT = Reason(
    "BLOCKED_BY_RECIPIENT",
    "blocked by the recipient",
    403,
    _(
        "The target blocked your account, or this callback number (or reported one of your requests as spam). "
        "Nothing was sent; do not retry."
    ),
)
SERVICE_UNAVAILABLE = Reason(
    "SERVICE_UNAVAILABLE",
    "service unavailable",
    503,
    _("The service cannot reach its database or cache right now. Nothing was changed; try again shortly."),
)
OUTCOME_UNKNOWN = Reason(
    "OUTCOME_UNKNOWN",
    "outcome unknown",
    504,
    _(
        "The call reached the service, but the database did not confirm in time whether it was carried out (its "
        "answer was lost). It may have been done: look it up before you retry, in your request log or with the "
        "status call and the X-Call-Request-Id header this answer carries when it names a call request. A retried "
        "callback refreshes the open request rather than sending a second one; a retried cancel answers “nothing "
        "pending to cancel” if the first one was done."
    ),
)

ALL = [
    UNKNOWN_TOKEN,
    TOKEN_NOT_ACTIVE,
    HOST_MISMATCH,
    REFERER_REQUIRED,
    RATE_LIMITED,
    METHOD_NOT_ALLOWED,
    UNKNOWN_ACTION,
    MISSING_PARAMETER,
    TOO_MANY_PARAMETERS,
    BAD_COUNTRY_CODE,
    INVALID_NUMBER,
    INVALID_MESSAGE,
    MESSAGE_TOO_LONG,
    INVALID_CALLBACK,
    MALFORMED_BODY,
    UNDECRYPTABLE_FIELD,
    INVALID_FOOT,
    STALE_FOOT,
    REPLAYED_REQUEST,
    TARGET_NOT_REGISTERED,
    TARGET_ID_NOT_REGISTERED,
    NOTHING_PENDING,
    UNKNOWN_CALL_REQUEST,
    TEST_TOKEN_LIVE_TARGET,
    LIVE_TOKEN_TEST_TARGET,
    REFERER_OR_ORIGIN_REQUIRED,
    ADDRESS_NOT_ALLOWED,
    COSTLY_CALLBACK_NUMBER,
    CALLBACK_NUMBER_NOT_ALLOWED,
    TARGET_COUNTRY_NOT_ENABLED,
    TARGET_RATE_LIMITED,
    BLOCKED_BY_RECIPIENT,
    SERVICE_UNAVAILABLE,
    OUTCOME_UNKNOWN,
]
