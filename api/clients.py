"""Client code for one call of the API: curl, PHP, Python and JavaScript, from api/templates/api/clients/.

The docs page and the test page show only code rendered here, so that every client on the site
encrypts, encodes and names the Referer the same way. Each POST snippet computes its own `foot`
when it runs: the API refuses a stale or replayed request. The comments follow the active language;
the code never does.
"""

import dataclasses
import re
from dataclasses import dataclass

from django.template.loader import render_to_string

from api.calls import encode_segment, referer_host
from api.protocol import (
    CALLBACK,
    CANCEL,
    GET,
    JSONP,
    JSONP_PARAMETER,
    NEOCALLBACK,
    NEOCANCEL,
    POST,
    POST_PATH,
    TOKEN_PLACEHOLDER,
)

# The tabs of the test page, in order; the docs page picks from the same.
CURL, PHP, PYTHON, JAVASCRIPT = "curl", "php", "python", "javascript"
LANGUAGES = (CURL, PHP, PYTHON, JAVASCRIPT)

# (language, transport): template under api/clients/, label, highlighting language.
_VARIANTS = {
    (CURL, GET): ("curl_get", "curl", "bash"),
    (CURL, JSONP): ("curl_get", "curl", "bash"),
    (CURL, POST): ("curl_post", "curl + openssl", "bash"),
    (PHP, GET): ("php_get", "PHP", "php"),
    (PHP, JSONP): ("php_get", "PHP", "php"),
    (PHP, POST): ("php_post", "PHP", "php"),
    (PYTHON, GET): ("python_get", "Python", "python"),
    (PYTHON, JSONP): ("python_get", "Python", "python"),
    (PYTHON, POST): ("python_post", "Python", "python"),
    (JAVASCRIPT, GET): ("fetch_get", "JavaScript (fetch)", "javascript"),
    (JAVASCRIPT, JSONP): ("jsonp_page", "JavaScript (JSONP)", "html"),
    (JAVASCRIPT, POST): ("node_post", "JavaScript (Node.js)", "javascript"),
}
_WITHDRAWN_BY = {CALLBACK: CANCEL, NEOCALLBACK: NEOCANCEL}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass(frozen=True)
class Snippet:
    key: str  # the language, one of LANGUAGES
    label: str
    language: str  # for highlighting: bash, php, python, javascript, html
    code: str


def render(language, call, *, base_url, token=TOKEN_PLACEHOLDER, host_pattern="", timeout=10, brief=False):
    """The code that makes this call (an api.calls.Call) in this language, with this token.

    host_pattern is the token's host: the POST's Referer names a host it allows. brief: curl's GET as one
    command line (no comment, no final newline), for the docs page's list of examples.
    """
    name, label, highlight = _VARIANTS[(language, call.transport)]
    tail = "/".join(encode_segment(part) for part in call.path_parts())
    if call.transport == JSONP:
        tail += f"/?{JSONP_PARAMETER}={encode_segment(call.callback)}"
    withdraw = _WITHDRAWN_BY.get(call.action)
    context = {
        "call": call,
        "base_url": base_url,
        "token": token,
        "host": referer_host(host_pattern),
        "timeout": max(1, int(timeout)),
        "timeout_ms": max(1, int(timeout)) * 1000,
        "brief": brief,
        "parts": call.path_parts(),
        "jsonp": call.transport == JSONP,
        "jsonp_parameter": JSONP_PARAMETER,
        # The token as given: real tokens are letters, digits and "_", and a masked one reads better as itself.
        "url": f"{base_url}/{token}/{tail}",
        "tail": tail,
        "callback_is_identifier": bool(_IDENTIFIER.match(call.callback)),
        "post_url": base_url + POST_PATH,
        "fields": call.post_plaintexts(),
        "post": dict(call.post_plaintexts()),
        "withdraw": dict(dataclasses.replace(call, action=withdraw, message="").post_plaintexts())
        if withdraw
        else None,
    }
    code = _render(name, context)
    return Snippet(language, label, highlight, code.rstrip("\n") if brief else code)


def snippets(call, **options):
    """The same call in every language, in the test page's order (options: those of render)."""
    return [render(language, call, **options) for language in LANGUAGES]


def openssl_check(key, plaintext):
    """A shell line that encrypts one field as the POST does, for checking an implementation against openssl."""
    return _render("openssl_check", {"token": key, "plaintext": plaintext})


def _render(name, context):
    return render_to_string(f"api/clients/{name}.txt", context).strip() + "\n"
