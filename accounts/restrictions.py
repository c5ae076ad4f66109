"""Who may use a token, as Google Cloud's API keys say it: one application restriction each (issue 24).

- websites: a page's call, whose Origin or Referer names the token's host; a call with neither is refused.
- servers: a call from one of the token's IP addresses or CIDR ranges; Origin and Referer are not read.
- legacy: the rule before restrictions (a header present must name the host; none at all passes), kept only for
  tokens issued before them, each flagged on its page with a one-step move to websites.
- none: anyone holding the token; the default of test tokens, which reach only test phones.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.client_ip import address_in
from lib.hosts import host_from_header, host_matches


class Restriction(models.TextChoices):
    WEBSITES = "websites", _("Websites")
    SERVERS = "servers", _("Servers")
    LEGACY = "legacy", _("Legacy")
    NONE = "none", _("None")


class Refusal(models.TextChoices):
    """Why a restriction refused a caller; the API answers each with a reason of its own (api.guards)."""

    HOST_MISMATCH = "host_mismatch"
    NO_PAGE = "no_page"  # websites: neither Origin nor Referer
    ADDRESS = "address"  # servers: the caller's address is not in the list


MAX_ADDRESSES = 50
MAX_CALLBACK_NUMBERS = 50


def refusal(token, origin, referer, address):
    """Why the token's restriction refuses this caller (a Refusal), or None when it may call."""
    restriction = token.restriction
    if restriction == Restriction.NONE:
        return None
    if restriction == Restriction.SERVERS:
        return None if address_in(address, token.allowed_addresses) else Refusal.ADDRESS
    headers = [value for value in (origin, referer) if value]
    if any(not host_matches(token.host, host_from_header(value)) for value in headers):
        return Refusal.HOST_MISMATCH
    if restriction == Restriction.WEBSITES and not headers:
        return Refusal.NO_PAGE
    return None
