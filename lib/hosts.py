"""Host names that tokens are bound to: validation, normalisation and matching. Pure, no database."""

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

import idna
from django.utils.translation import gettext as _
from publicsuffixlist import PublicSuffixList

MAX_HOST_LENGTH = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A host whose last label is a number is read as an IPv4 address by browsers and resolvers ("1.2.3", "0x7f.1"):
# one that is not a valid address is no host at all, never a domain name.
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$", re.IGNORECASE)
_PUBLIC_SUFFIXES = PublicSuffixList()  # the bundled Public Suffix List, loaded once


class InvalidHost(ValueError):
    """The text is not a host a token can be bound to; str() is a message for the developer."""


def _ip(value):
    candidate = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def _domain(value):
    """IDNA-encodes and checks a domain name; returns it in lower case A-labels."""
    try:
        ascii_name = idna.encode(value, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidHost(_("“%(host)s” is not a valid domain name.") % {"host": value}) from exc
    ascii_name = ascii_name.lower()
    if len(ascii_name) > MAX_HOST_LENGTH:
        raise InvalidHost(_("The host name is too long."))
    if not all(_LABEL.match(label) for label in ascii_name.split(".")):
        raise InvalidHost(_("“%(host)s” is not a valid domain name.") % {"host": value})
    return ascii_name


_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


def host_of_address(value):
    """The host of a web address pasted where a host belongs ("https://www.example.com/path?x=1" →
    "www.example.com", "example.com/shop" → "example.com"); any other text unchanged, for normalise_host to judge."""
    text = (value or "").strip()
    is_url = bool(_WEB_ADDRESS.match(text))
    if not is_url and ("://" in text or not any(ch in text for ch in "/?#")):
        return text
    try:
        host = urlsplit(text if is_url else "//" + text).hostname
    except ValueError:  # an unclosed IPv6 bracket, say
        return text
    return host or text


def normalise_host(value):
    """Returns the canonical form of a host pattern typed by a developer, or raises InvalidHost.

    Accepts a domain name (any case, Unicode or punycode), a leading "*." for the domain and
    its subdomains, "localhost", or an IPv4/IPv6 address. Refuses a scheme, path, port,
    query or credentials, with a message that says which.
    """
    text = (value or "").strip()
    _refuse_more_than_a_host(text)
    address = _ip(text)
    if address is not None:
        return address.compressed
    if ":" in text:
        raise InvalidHost(_("Enter the host name without a port number."))
    text = text.rstrip(".")
    if _NUMERIC_LABEL.match(text.rsplit(".", 1)[-1]):
        return _ipv4_with_a_trailing_dot(text)
    wildcard = text.startswith("*.")
    name = text[2:] if wildcard else text
    if "*" in name:
        raise InvalidHost(_("A wildcard is only allowed as a leading “*.”, as in *.example.com."))
    name = _domain(name)
    if name == "localhost":
        if wildcard:
            raise InvalidHost(_("A wildcard cannot be used with localhost."))
        return name
    if "." not in name:
        raise InvalidHost(_("Enter a full domain name such as example.com, or localhost."))
    if _PUBLIC_SUFFIXES.is_public(name):
        _refuse_public_suffix(text, name, wildcard)
    return f"*.{name}" if wildcard else name


def _refuse_more_than_a_host(text):
    """Raises InvalidHost for empty text, or text with a scheme, credentials, a path or spaces."""
    if not text:
        raise InvalidHost(_("Enter the host name of your website, for example example.com."))
    if "://" in text:
        raise InvalidHost(_("Enter the host name only, without http:// or https://."))
    if "@" in text:
        raise InvalidHost(_("Enter the host name only, without a user name or password."))
    if any(ch in text for ch in "/?#\\"):
        raise InvalidHost(_("Enter the host name only, without a path."))
    if any(ch.isspace() for ch in text):
        raise InvalidHost(_("A host name cannot contain spaces."))


def _ipv4_with_a_trailing_dot(text):
    """The address of a host read as IPv4 ("10.0.0.1." without its dot), or InvalidHost ("256.1.1.1", "1.2.3")."""
    address = _ip(text)
    if address is None:
        raise InvalidHost(
            _("“%(host)s” is not a valid IP address: write four numbers from 0 to 255, as in 192.0.2.10.")
            % {"host": text}
        )
    return address.compressed


def _refuse_public_suffix(text, name, wildcard):
    if wildcard:
        raise InvalidHost(
            _(
                "“%(host)s” would allow every website under %(suffix)s. Enter your own domain, as in *.example.%(suffix)s."
            )
            % {"host": text, "suffix": name}
        )
    raise InvalidHost(
        _("“%(host)s” is a public suffix shared by many websites. Enter your own domain, as in example.%(suffix)s.")
        % {"host": text, "suffix": name}
    )


def host_from_header(value):
    """The host of a Referer or Origin header value, normalised; None when there is none to read."""
    if not value:
        return None
    try:
        host = urlsplit(value.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return _header_host(host)


@lru_cache(maxsize=4096)
def _header_host(host):
    """host_from_header's normalisation of a URL's host, remembered: its IDNA check cost an API call about a
    twentieth, twice (the token's host, then the request log's), and the hosts that call are few."""
    address = _ip(host)
    if address is not None:
        return address.compressed
    try:
        return _domain(host.rstrip("."))
    except InvalidHost:
        return None


def url_host(host):
    """A normalised host as it stands in a URL: an IPv6 address in brackets ("::1" → "[::1]")."""
    return f"[{host}]" if ":" in host else host


def host_matches(pattern, host):
    """Whether a normalised host is allowed by a token's host pattern ("*.example.com" allows the apex too)."""
    if not host:
        return False
    if pattern.startswith("*."):
        base = pattern[2:]
        return host == base or host.endswith("." + base)
    return pattern == host


def patterns_for_host(host):
    """Every pattern that would allow this host: itself and "*." with each parent of two labels or more."""
    if _ip(host) is not None or "." not in host:
        return [host]
    labels = host.split(".")
    return [host] + ["*." + ".".join(labels[i:]) for i in range(len(labels) - 1)]
