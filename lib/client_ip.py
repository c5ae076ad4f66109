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


def normalise_network(text):
    """An IP address or CIDR range as typed ("203.0.113.7", "2001:db8::/48", "192.0.2.9/24"), in its compressed
    network form ("192.0.2.0/24"); ValueError for anything else."""
    return ipaddress.ip_network(text.strip(), strict=False).compressed


def address_in(address, networks):
    """Whether an address falls in one of the networks (normalise_network's forms); an IPv4-mapped IPv6 address
    (a dual-stack socket's view of an IPv4 caller) is judged as its IPv4 address."""
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network) for network in networks)
