"""accounts.hosts: pure host validation, normalisation and matching."""

import pytest

from lib.hosts import (
    InvalidHost,
    host_from_header,
    host_matches,
    host_of_address,
    normalise_host,
    patterns_for_host,
    url_host,
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("example.com", "example.com"),
        ("  Shop.EXAMPLE.com. ", "shop.example.com"),
        ("*.Example.com", "*.example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("시시콜콜.kr", "xn--vv4ba417ga.kr"),
        ("*.example.co.kr", "*.example.co.kr"),
        ("shop.example.co.kr", "shop.example.co.kr"),
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("255.255.255.255", "255.255.255.255"),
        ("10.0.0.1.", "10.0.0.1"),
        ("1.example.com", "1.example.com"),
        ("::1", "::1"),
        ("[2001:db8::0001]", "2001:db8::1"),
    ],
)
def test_it_normalises_hosts(typed, canonical):
    assert normalise_host(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the host name"),
        ("https://example.com", "without http"),
        ("user:pw@example.com", "user name"),
        ("example.com/path", "without a path"),
        ("example.com?q=1", "without a path"),
        ("example.com:8080", "port"),
        ("exa mple.com", "spaces"),
        ("foo.*.example.com", "wildcard"),
        ("*", "wildcard"),
        ("*.localhost", "localhost"),
        ("intranet", "full domain name"),
        ("*.co.kr", "every website under co.kr"),
        ("co.kr", "public suffix"),
        ("*.github.io", "every website under github.io"),
        ("-bad-.example.com", "not a valid domain"),
        ("a" * 64 + ".com", "not a valid domain"),
        (("a" * 60 + ".") * 5 + "com", "not a valid domain"),
        ("exa_mple.com", "not a valid domain"),
        ("256.1.1.1", "“256.1.1.1” is not a valid IP address"),
        ("1.2.3", "not a valid IP address"),
        ("1.2.3.4.5", "not a valid IP address"),
        ("0x7f.1", "not a valid IP address"),
        ("*.1.2.3", "not a valid IP address"),
    ],
)
def test_it_refuses_what_is_not_a_host_with_a_message_saying_why(typed, says):
    with pytest.raises(InvalidHost) as refused:
        normalise_host(typed)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("https://Shop.Example.com/page?x=1", "shop.example.com"),
        ("http://localhost:8000/", "localhost"),
        ("http://[::1]:8000/x", "::1"),
        ("https://bücher.de", "xn--bcher-kva.de"),
        ("", None),
        (None, None),
        ("not a url", None),
        ("http://[bad/", None),
    ],
)
def test_it_reads_the_host_of_a_referer_or_origin(header, host):
    assert host_from_header(header) == host


@pytest.mark.parametrize(
    ("pattern", "host", "allowed"),
    [
        ("example.com", "example.com", True),
        ("example.com", "www.example.com", False),
        ("*.example.com", "example.com", True),
        ("*.example.com", "a.b.example.com", True),
        ("*.example.com", "badexample.com", False),
        ("example.com", None, False),
        ("127.0.0.1", "127.0.0.1", True),
    ],
)
def test_it_matches_hosts_against_patterns(pattern, host, allowed):
    assert host_matches(pattern, host) is allowed


def test_it_lists_every_pattern_that_allows_a_host():
    assert patterns_for_host("a.shop.example.com") == [
        "a.shop.example.com",
        "*.a.shop.example.com",
        "*.shop.example.com",
        "*.example.com",
    ]
    assert patterns_for_host("localhost") == ["localhost"]
    assert patterns_for_host("10.0.0.1") == ["10.0.0.1"]


@pytest.mark.parametrize(
    ("host", "in_url"),
    [("::1", "[::1]"), ("2001:db8::1", "[2001:db8::1]"), ("127.0.0.1", "127.0.0.1"), ("example.com", "example.com")],
)
def test_it_writes_a_host_as_a_url_needs_it_and_reads_it_back(host, in_url):
    assert url_host(host) == in_url
    assert host_from_header(f"http://{url_host(host)}/") == host


@pytest.mark.parametrize(
    ("pasted", "host"),
    [
        ("https://www.example.com/path?x=1", "www.example.com"),
        ("HTTP://Example.COM", "example.com"),
        ("example.com/shop#top", "example.com"),
        ("https://user:secret@example.com/", "example.com"),
        ("http://localhost:8000/tester/", "localhost"),
        ("http://[::1]:8000/", "::1"),
        ("*.example.com/", "*.example.com"),
        # Not a web address: left as typed, for normalise_host to say what is wrong.
        ("example.com", "example.com"),
        ("example.com:8080", "example.com:8080"),
        ("ftp://example.com/", "ftp://example.com/"),
        ("/shop", "/shop"),
        ("http://[::1/", "http://[::1/"),
    ],
)
def test_it_reads_the_host_of_a_pasted_web_address(pasted, host):
    assert host_of_address(pasted) == host
