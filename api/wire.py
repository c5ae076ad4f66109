"""The GET wire format: message decoding, JSONP callback names and response bodies. Pure, no database."""

import json
import re
from urllib.parse import unquote_to_bytes

CALLBACK_MAX_LENGTH = 64
_CALLBACK_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*")


def decode_path_message(text):
    """The message of a GET path (already percent-decoded by the server): one surrounding pair of
    double quotes, as in the seed's examples, is not part of it."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return _with_bytes_not_utf8_as_surrogates(text) if "%" in text else text


def _with_bytes_not_utf8_as_surrogates(text):
    """The docs ask for a message percent-encoded as UTF-8. The server hands bytes that are not UTF-8 on as "%XX"
    (Django's repercent_broken_unicode): here they become the lone surrogates Python decodes them to, which the
    message check refuses ("invalid message"). Text that reads so, sent as %25XX, cannot be told from them."""
    sent = unquote_to_bytes(text)
    try:
        sent.decode("utf-8")
    except UnicodeDecodeError:
        return sent.decode("utf-8", "surrogateescape")
    return text


def is_valid_callback_name(name):
    """Whether a JSONP callback is a JavaScript identifier path such as cb or app.on_done, bounded in length."""
    return isinstance(name, str) and 0 < len(name) <= CALLBACK_MAX_LENGTH and _CALLBACK_NAME.fullmatch(name) is not None


def json_body(payload):
    """Compact JSON, keys in the given order, as the seed answers."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def jsonp_body(callback, payload):
    """A script calling the callback with the payload. The callback must be valid (is_valid_callback_name).

    The leading comment keeps the first bytes from being read as anything but script; U+2028/2029
    are escaped because older JavaScript does not allow them raw in string literals.
    """
    data = json_body(payload).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"/**/{callback}({data});"
