"""Log redaction: a GET API path starts with the caller's token, and no log may hold a token or a phone number."""

import logging
import re

from django.conf import settings

# A path: a "/" at the start of a line or after a space, quote, parenthesis or "=" (so not inside a URL), up to the
# line's last " HTTP/<version>" (a request line, as runserver writes it) or else to the end of the line. A token
# may hold anything but "/" (a space, "#", "?", a quote…), decoded or percent-encoded: no other character ends it.
PATH = re.compile(r'(?:^|(?<=[\s"\'(=]))/(?:[^\n]*(?=\sHTTP/\d)|[^\n]*)', re.MULTILINE)
# The action segment of an API path: what follows it (numbers, IDs, a message, the query) is masked.
ACTION = re.compile(r'[^/?#\s"\']*')


def redact(text, page_prefixes, api_actions=frozenset()):
    """The text with every token-shaped string replaced by [token], and every path that is not one of the portal's
    own pages (so: an API call, even with a legacy, mistyped or malformed token) written /[token]/<action>/[params].
    A path under a page's prefix is an API call too when its second segment is one of `api_actions`."""
    prefix = re.escape(settings.TOKEN_PREFIX)
    test = re.escape(settings.TEST_TOKEN_PREFIX.removeprefix(settings.TOKEN_PREFIX))
    text = re.sub(prefix + f"(?:{test})?" + r"[A-Za-z0-9]{20,}", "[token]", text)
    return PATH.sub(lambda match: _redact_path(match.group(0), page_prefixes, api_actions), text)


def _redact_path(path, page_prefixes, api_actions):
    if path == "/":
        return path
    first, slash, rest = path[1:].partition("/")
    action = ACTION.match(rest).group(0) if slash else ""
    if first in page_prefixes and action not in api_actions:
        return path
    params = rest[len(action) :]
    return "/[token]" + (f"/{action}" if slash else "") + ("/[params]" if params.strip("/") else params)


class RedactTokens(logging.Filter):
    """Handler filter: applies redact() to every record's message before it is written."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error reporting
            return True
        redacted = redact(message, *_url_vocabulary())
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _url_vocabulary():
    """(the first path segments of the portal's pages, the API's actions)."""
    try:
        from api.routing import url_vocabulary  # lazy: logging is configured before the apps load

        return url_vocabulary()
    except Exception:  # no URLconf yet: redact every path rather than risk a token
        return frozenset(), frozenset()
