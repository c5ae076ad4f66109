"""One call of the API in its own terms: the GET path it makes, the POST fields it encrypts, the Referer it names.

The test page sends such calls and both the test page and the docs page show them as client code
(api.clients), so the path, the fields and the Referer's host are worked out here once. Pure, no database.
"""

from dataclasses import dataclass
from urllib.parse import quote

from api.protocol import BY_ID, EXAMPLE_JSONP_CALLBACK, EXAMPLE_VALUES, GET, REQUESTS, operation
from lib.hosts import url_host


def path_message(message):
    """The message as a GET path carries it. The API takes one surrounding pair of double quotes off (the
    seed's examples quote) and one trailing "/": quote an empty message, a quoted one or one ending in "/"."""
    if not message or message.endswith("/") or (len(message) >= 2 and message[0] == message[-1] == '"'):
        return f'"{message}"'
    return message


def encode_segment(text):
    quoted = quote(text, safe="")
    # "." and ".." are dot-segments that clients and proxies resolve; escaped, they stay data.
    return quoted.replace(".", "%2E") if set(text) <= {"."} else quoted


def referer_host(host_pattern):
    """The host a Referer names for a token's host pattern: a wildcard ("*.example.com") its bare domain,
    which lib.hosts.host_matches allows too, and an IPv6 address in brackets."""
    return url_host((host_pattern or "").removeprefix("*."))


@dataclass(frozen=True)
class Call:
    """One API call in the API's own terms; it never holds the token."""

    action: str
    transport: str
    my_number: str
    my_iso: str
    target: str  # the target's number, or its CallbackNow ID for the neo actions
    target_iso: str = ""
    message: str = ""
    callback: str = ""  # the JSONP function name
    operation_id: str = ""  # the GET form, when not the action's own (protocol.CANCEL_BY_ID)

    @classmethod
    def example(cls, operation_id, transport=GET, **values):
        """The call of one GET form (an action, or CANCEL_BY_ID) with the seed's example values."""
        action = operation(operation_id).action
        by_id = action in BY_ID
        fields = {
            "my_number": EXAMPLE_VALUES["my_number"],
            "my_iso": EXAMPLE_VALUES["my_iso"],
            "target": EXAMPLE_VALUES["target_id" if by_id else "target_number"],
            "target_iso": "" if by_id else EXAMPLE_VALUES["target_iso"],
            "message": EXAMPLE_VALUES["message"] if action in REQUESTS else "",
            "callback": EXAMPLE_JSONP_CALLBACK,
            **values,
        }
        return cls(action, transport, operation_id=operation_id if operation_id != action else "", **fields)

    @property
    def by_id(self):
        return self.action in BY_ID

    @property
    def has_message(self):
        return self.action in REQUESTS

    def path_parts(self):
        """The GET path after the token, in the order of its form in api.protocol."""
        values = {
            "my_number": self.my_number,
            "my_iso": self.my_iso,
            "target_number": self.target,
            "target_id": self.target,
            "target_iso": self.target_iso,
            "message": path_message(self.message),
        }
        segments = operation(self.operation_id or self.action).template.split("/")[2:]  # after "/{token}"
        return [values[segment[1:-1]] if segment.startswith("{") else segment for segment in segments]

    def post_plaintexts(self):
        """The seed client's fields in its order, except mytoken and foot."""
        return [
            ("myaction", self.action),
            ("mymsg", self.message if self.has_message else ""),
            ("iso", "" if self.by_id else self.target_iso),
            ("phonenumber", self.target),
            ("myiso", self.my_iso),
            ("myphonenumber", self.my_number),
        ]
