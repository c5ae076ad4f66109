"""lib.addresses: an IPv6 address is judged by the IPv4 address it carries."""

import pytest

from lib.addresses import forbidden_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "169.254.169.254",
        "10.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible (::/96)
        "::a9fe:a9fe",  # IPv4-compatible, written in hex: 169.254.169.254
        "::ffff:0:127.0.0.1",  # IPv4-translated
        "64:ff9b::a9fe:a9fe",  # NAT64 well-known prefix to 169.254.169.254
        "64:ff9b::10.0.0.1",
        "64:ff9b:1::a9fe:a9fe",  # NAT64 local-use /48, IPv4 in the last 32 bits (a /96 translator)
        "64:ff9b:1:a9fe:a9:fe00::",  # the same address placed after the /48 (RFC 6052)
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1 (obfuscated)
        "2001:0:7f00:1:8000:63bf:3fff:fdd2",  # Teredo, server 127.0.0.1
    ],
)
def test_it_refuses_private_addresses_in_every_form(address):
    assert forbidden_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "2606:4700:4700::1111",
        "::ffff:93.184.215.14",
        "::93.184.215.14",
        "64:ff9b::5db8:d70e",  # NAT64 of 93.184.215.14
        "2002:5db8:d70e::1",  # 6to4 of 93.184.215.14
    ],
)
def test_it_allows_public_addresses_in_every_form(address):
    assert not forbidden_address(address)
