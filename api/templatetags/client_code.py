"""String literals for the client-code templates (api/templates/api/clients/): each filter quotes a value so
that it stays one literal of its language, whatever it holds. The templates run with autoescape off."""

import json

from django import template

from api.calls import encode_segment

register = template.Library()


@register.filter
def sh(value):
    """A single-quoted shell word; a "'" inside ends the quote, is escaped, and reopens it."""
    return "'" + str(value).replace("'", "'\\''") + "'"


@register.filter
def php(value):
    """A double-quoted PHP string, as the seed's client writes them: no variable or escape inside is expanded."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


@register.filter
def py(value):
    return json.dumps(str(value), ensure_ascii=False)


@register.filter
def js(value):
    # "<" escaped so that "</script>" inside a value cannot end a script element the code is pasted into.
    return json.dumps(str(value), ensure_ascii=False).replace("<", "\\u003c")


@register.filter
def segment(value):
    """The value percent-encoded as one URL path segment or query value."""
    return encode_segment(str(value))
