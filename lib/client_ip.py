"""The caller's address, parsed and validated in one place, so that only a real address reaches a column."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The caller's address, compressed, or None: REMOTE_ADDR, or the hop TRUSTED_PROXY_COUNT from the
    right of X-Forwarded-For. A malformed value (a proxy passing on what a client wrote) is None."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return valid_ip(chain[-hops])
    return valid_ip(request.META.get("REMOTE_ADDR", ""))


def valid_ip(value):
    """The address in its compressed form, or None when the text is not an IPv4 or IPv6 address."""
    try:
        return ipaddress.ip_address((value or "")[:45]).compressed
    except ValueError:
        return None
