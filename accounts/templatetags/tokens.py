"""How a token's audit events and hosts read to people."""

import re

import idna
from django import template
from django.utils.translation import gettext as _

from accounts.models import ApiToken, TokenEvent

register = template.Library()
_GRACE = re.compile(r"^grace (\d+)s$")
_AWAITS = " (awaits approval)"
_ARROW = " → "


@register.filter
def host_display(host):
    """A host as people read it: "한국.kr (xn--3e0b707e.kr)" for an IDN, the stored value otherwise."""
    host = host or ""
    prefix, name = ("*.", host[2:]) if host.startswith("*.") else ("", host)
    if "xn--" not in name:
        return host
    try:
        unicode_name = idna.decode(name)
    except (idna.IDNAError, UnicodeError):
        return host
    if unicode_name == name:
        return host
    return f"{prefix}{unicode_name} ({host})"


@register.simple_tag
def event_actor(event, token):
    """“You” for the developer's own actions; staff stay anonymous to developers."""
    if event.actor_id is not None and event.actor_id == token.owner_id:
        return _("You")
    if event.actor_label == "system":
        return _("System")
    return _("CallbackNow staff")


@register.filter
def event_detail(event):
    """The stored (English, fixed-shape) detail of an event in the reader's language; stored data stays as is."""
    detail = event.detail or ""
    kind = event.kind
    if kind == TokenEvent.Kind.APPROVED and detail == "automatic":
        return _("automatically")
    if kind == TokenEvent.Kind.REVEALED and detail == "test page":
        return _("on the test page")
    if kind == TokenEvent.Kind.ISSUED and detail:
        return host_display(detail)
    if kind == TokenEvent.Kind.HOST_CHANGED and _ARROW in detail:
        awaits = detail.endswith(_AWAITS)
        old, new = detail.removesuffix(_AWAITS).split(_ARROW, 1)
        shown = f"{host_display(old)}{_ARROW}{host_display(new)}"
        return _("%(change)s (awaits approval)") % {"change": shown} if awaits else shown
    match = _GRACE.match(detail)
    if kind == TokenEvent.Kind.ROLLED and match:
        seconds = int(match.group(1))
        if not seconds:
            return _("the old token stopped working at once")
        label = dict(ApiToken.GRACE_CHOICES).get(seconds)
        if label is None:
            return _("grace period for the old token: %(seconds)d seconds") % {"seconds": seconds}
        return _("grace period for the old token: %(period)s") % {"period": label}
    return detail
