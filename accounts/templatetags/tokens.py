"""How a token's audit events and hosts read to people."""

import idna
from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, TokenEvent
from accounts.restrictions import Restriction

register = template.Library()
Kind = TokenEvent.Kind
ARROW = " → "


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


def _grace(seconds):
    if not seconds:
        return _("the old token stopped working at once")
    label = dict(ApiToken.GRACE_CHOICES).get(seconds)
    if label is None:
        return _("grace period for the old token: %(seconds)d seconds") % {"seconds": seconds}
    return _("grace period for the old token: %(period)s") % {"period": label}


def _host_change(data):
    shown = f"{host_display(data.get('old_host'))}{ARROW}{host_display(data.get('new_host'))}"
    return _("%(change)s (awaits approval)") % {"change": shown} if data.get("awaits_approval") else shown


@register.filter
def event_detail(event):
    """An event's values (TokenEvent.DATA_KEYS) said in the reader's language; names, hosts and reasons as given."""
    data = event.data or {}
    if "text" in data:
        return data["text"]
    kind = event.kind
    if kind == Kind.ISSUED:
        shown = host_display(data.get("host"))
        return f"{shown} · {_restriction(data)}" if "restriction" in data else shown
    if kind == Kind.APPROVED and data.get("automatic"):
        return _("automatically")
    if kind in (Kind.REJECTED, Kind.SUSPENDED):
        return data.get("reason", "")
    if kind == Kind.ROLLED and "grace_seconds" in data:
        return _grace(data["grace_seconds"])
    if kind == Kind.REVEALED and data.get("where") == TokenEvent.TEST_PAGE:
        return _("on the test page")
    if kind == Kind.RENAMED:
        return f"{data.get('old_name', '')}{ARROW}{data.get('new_name', '')}"
    if kind == Kind.HOST_CHANGED:
        return _host_change(data)
    if kind == Kind.LIMIT_CHANGED:
        return f"{_limit(data.get('old_limit'))}{ARROW}{_limit(data.get('new_limit'))}"
    if kind == Kind.RESTRICTED:
        old = _restriction({"restriction": data.get("old_restriction")})
        return f"{old}{ARROW}{_restriction({'restriction': data.get('new_restriction'), **data})}"
    if kind == Kind.CALLBACK_NUMBERS:
        return ", ".join(data.get("numbers") or []) or _("any callback number")
    return ""


def _restriction(data):
    """“Websites”, or “Servers: 203.0.113.0/24, 2001:db8::/48”."""
    label = str(dict(Restriction.choices).get(data.get("restriction"), data.get("restriction") or ""))
    addresses = data.get("addresses")
    return f"{label}: {', '.join(addresses)}" if addresses else label


def _limit(per_minute):
    if per_minute is None:
        return _("the site default")
    return ngettext("%(limit)s request a minute", "%(limit)s requests a minute", per_minute) % {"limit": per_minute}
