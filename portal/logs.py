"""Log redaction: a GET API path starts with the caller's token, and no log may hold a token."""

import logging
import re

from django.conf import settings

# A path's first segment ("/<segment>/…"): a "/" at the start of the text or after a space, quote or
# parenthesis (so neither inside a URL nor after a segment already redacted).
FIRST_SEGMENT = re.compile(r'(?:^|(?<=[\s"\'(=]))/([^/\s"\'?#]+)(?=/)')


def redact(text, page_prefixes):
    """The text with every token-shaped string, and every path's first segment that is not one of the
    portal's own pages (so: an API call's token, even a legacy or mistyped one), replaced by [token]."""
    prefix = re.escape(settings.TOKEN_PREFIX)
    text = re.sub(prefix + r"[A-Za-z0-9]{20,}", "[token]", text)
    return FIRST_SEGMENT.sub(lambda m: m.group(0) if m.group(1) in page_prefixes else "/[token]", text)


class RedactTokens(logging.Filter):
    """Handler filter: applies redact() to every record's message before it is written."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error reporting
            return True
        redacted = redact(message, _page_prefixes())
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _page_prefixes():
    try:
        from api.views import page_prefixes  # lazy: logging is configured before the URLconf loads

        return page_prefixes()
    except Exception:  # no URLconf yet: redact every first segment rather than risk a token
        return frozenset()
