"""How a token's audit events read to its developer."""

import re

from django import template
from django.utils.translation import gettext as _

from accounts.models import ApiToken, TokenEvent

register = template.Library()
_GRACE = re.compile(r"^grace (\d+)s$")


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
    if event.kind == TokenEvent.Kind.APPROVED and event.detail == "automatic":
        return _("automatically")
    match = _GRACE.match(event.detail)
    if event.kind == TokenEvent.Kind.ROLLED and match:
        seconds = int(match.group(1))
        if not seconds:
            return _("the old token stopped working at once")
        label = dict(ApiToken.GRACE_CHOICES).get(seconds)
        if label is None:
            return _("grace period for the old token: %(seconds)d seconds") % {"seconds": seconds}
        return _("grace period for the old token: %(period)s") % {"period": label}
    return event.detail
