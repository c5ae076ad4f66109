"""Whether an address is one the service may connect to on a developer's behalf (webhooks, Web Push). Pure.

An IPv6 address may carry an IPv4 address inside it, and a network that routes those forms (a NAT64 gateway, a
6to4 relay, a Teredo server, a stack that still speaks IPv4-compatible addresses) delivers to that IPv4 address:
[64:ff9b::a9fe:a9fe] is 169.254.169.254, the cloud's metadata service. Each such form is judged by what it carries.
"""

import ipaddress

_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 (deprecated, still routed by some stacks)
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052, the well-known prefix
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215, local-use prefixes of /48 to /96


def embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address delivers to (empty for a plain IPv6 or an IPv4 address)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    value = int(ip)
    low32 = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)  # the Teredo server and the client it relays to (de-obfuscated)
    if ip in _NAT64 or ip in _IPV4_TRANSLATED:
        return [low32]
    if ip in _NAT64_LOCAL:
        # The operator picks the prefix length; RFC 6052 places the IPv4 address after the /48 (bits 48-63 and
        # 72-87, around the u octet) or in the last 32 bits for a /96: judge both.
        after_48 = ipaddress.IPv4Address(((value >> 64) & 0xFFFF) << 16 | ((value >> 40) & 0xFFFF))
        return [low32, after_48]
    if ip in _IPV4_COMPATIBLE and value > 1:  # "::" and "::1" are IPv6's own unspecified and loopback
        return [low32]
    return []


def forbidden_address(address):
    """Whether an address is anything but a public unicast one (loopback, private, link-local, metadata, CGNAT,
    multicast…), itself or through the IPv4 address it carries."""
    ip = ipaddress.ip_address(address)
    return any(_not_public(each) for each in [ip, *embedded_ipv4(ip)])


def _not_public(ip):
    return not ip.is_global or ip.is_multicast
