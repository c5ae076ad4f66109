"""The Open API's vocabulary, written once: its actions, transports, paths, fields and example values.

The API, the docs page, the OpenAPI document, the client-code templates and the test page all read
these names from here (failure reasons: api.reasons). Pure, no database.
"""

from dataclasses import dataclass
from urllib.parse import quote

# Actions, as they stand in a GET path and in the POST's myaction field.
CALLBACK, NEOCALLBACK, CANCEL, NEOCANCEL = "callback", "neocallback", "cancel", "neocancel"
ACTIONS = (CALLBACK, NEOCALLBACK, CANCEL, NEOCANCEL)
BY_ID = frozenset({NEOCALLBACK, NEOCANCEL})  # the target is a CallbackNow ID, not a number
REQUESTS = frozenset({CALLBACK, NEOCALLBACK})  # they send a call request (with a message); the others withdraw one
# Beside the seed's four: a call request's status, by its ID (GET and JSONP only).
STATUS = "status"
GET_ACTIONS = (*ACTIONS, STATUS)


def path_action(action, parameter_count):
    """The action a GET path asks for: the seed's three-part cancel (/cancel/<my number>/<my iso>/<target id>)
    is a neocancel."""
    return NEOCANCEL if action == CANCEL and parameter_count == 3 else action


# Headers beside the seed's bodies: every answer's ID (also in the request log), and the call request's.
REQUEST_ID_HEADER = "X-Request-Id"
CALL_REQUEST_ID_HEADER = "X-Call-Request-Id"

# Transports: a GET URL, the same URL with ?callback= (JSONP), the seed PHP client's encrypted POST.
GET, JSONP, POST = "get", "jsonp", "post"
TRANSPORTS = (GET, JSONP, POST)
JSONP_PARAMETER = "callback"  # the query parameter naming a JSONP callback function

POST_PATH = "/callback/callback_api.php"  # its route, and the GET calls', are api.routing's
# The POST body's fields, in the order the seed's PHP client sends them; each encrypted on its own.
POST_FIELDS = ("myaction", "mymsg", "iso", "phonenumber", "myiso", "myphonenumber", "mytoken", "foot")

# The seed's own example values: the demo data registers the target 01011111111/kr (operator
# SRTelecom, ID airpagephone).
EXAMPLE_VALUES = {
    "my_number": "01010041004",
    "my_iso": "kr",
    "target_number": "01011111111",
    "target_iso": "kr",
    "target_id": "airpagephone",
    "message": "hello world",
    "call_request_id": "cr_3kTMd9xQ2nVbW8pLs7YhZa",  # made up: real IDs are random
}
EXAMPLE_OPERATOR = "SRTelecom"
EXAMPLE_JSONP_CALLBACK = "mycallbackfunction"
TOKEN_PLACEHOLDER = "YOUR_TOKEN"
HOST_PLACEHOLDER = "example.com"


@dataclass(frozen=True)
class Operation:
    """A GET form of an action: its OpenAPI path template and a one-line summary."""

    operation_id: str
    action: str
    template: str
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

    @property
    def parameters(self):
        """The template's parameter names after the token, in path order."""
        return [segment[1:-1] for segment in self.template.split("/")[2:] if segment.startswith("{")]


CANCEL_BY_ID = "cancelById"
GET_OPERATIONS = (
    Operation(
        CALLBACK,
        CALLBACK,
        f"/{{token}}/{CALLBACK}/{{my_number}}/{{my_iso}}/{{target_number}}/{{target_iso}}/{{message}}",
        "Send a call request to a phone number",
    ),
    Operation(
        NEOCALLBACK,
        NEOCALLBACK,
        f"/{{token}}/{NEOCALLBACK}/{{my_number}}/{{my_iso}}/{{target_id}}/{{message}}",
        "Send a call request to a CallbackNow user's ID",
    ),
    Operation(
        CANCEL,
        CANCEL,
        f"/{{token}}/{CANCEL}/{{my_number}}/{{my_iso}}/{{target_number}}/{{target_iso}}",
        "Withdraw a call request sent to a phone number",
    ),
    Operation(
        NEOCANCEL,
        NEOCANCEL,
        f"/{{token}}/{NEOCANCEL}/{{my_number}}/{{my_iso}}/{{target_id}}",
        "Withdraw a call request sent to a CallbackNow user's ID",
    ),
    # The seed's 3-part cancel: a cancel naming an ID is a neocancel.
    Operation(
        CANCEL_BY_ID,
        NEOCANCEL,
        f"/{{token}}/{CANCEL}/{{my_number}}/{{my_iso}}/{{target_id}}",
        "Withdraw a call request sent to an ID (the original documentation's form of neocancel)",
    ),
)


STATUS_OPERATION = Operation(
    STATUS, STATUS, f"/{{token}}/{STATUS}/{{call_request_id}}", "A call request's state and history, by its ID"
)


def operation(operation_id):
    return next(op for op in GET_OPERATIONS if op.operation_id == operation_id)
