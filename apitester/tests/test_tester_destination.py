"""No form input can make the page's server call any address but the configured API base.

requests.Session.send is wrapped to record each prepared URL (the request still goes out, to a
local server that records what arrives); every one must have the base's scheme, host and port.
"""

import http.cookiejar
import re
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.attribution import VISITOR_HEADER
from tests.helpers import element, form_data

NASTY = [
    "../../../admin/",
    "..",
    ".",
    "@evil.com",
    "user@evil.com:80",
    "//evil.com/x",
    "http://evil.com/",
    "https://169.254.169.254/latest/meta-data/",
    "?callback=x#y",
    "#fragment",
    "a\r\nX-Injected: 1",
    "\r\n\r\nGET http://evil.com/ HTTP/1.1",
    "\\\\evil.com\\share",
    "%2e%2e%2f%2e%2e%2f",
    "%0d%0aX-Injected:%201",
    "．．／evil.com",
    "evil.com:8080",
    "[::1]:22",
    "*.evil.com",
    "localhost",
    "\t \u00a0",
    "😀/../",
]
FIELDS = ["my_number", "my_country", "target_number", "target_country", "target_id", "message", "callback"]

text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
nasty = st.sampled_from(NASTY)
value = st.one_of(nasty, text, st.tuples(nasty, text).map("".join), st.tuples(text, nasty).map("".join))
choices = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["callback", "neocallback", "cancel", "neocancel"]),
        "transport": st.sampled_from(["get", "jsonp", "post"]),
        **{name: value for name in FIELDS},
    }
)
examples = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class RecordingAPI(BaseHTTPRequestHandler):
    """Answers like the API and records the request line and headers that arrived."""

    seen = None

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
        body = b'{"result":"failed","reason":"unknown token"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def api_base(settings):
    handler = type("Handler", (RecordingAPI,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield handler.seen
    server.shutdown()
    server.server_close()


def assert_only_the_base(settings, sent_urls, seen):
    base = urlsplit(settings.API_BASE_URL)
    for url in sent_urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.hostname, parts.port) == (base.scheme, base.hostname, base.port), url
        assert parts.username is None and parts.password is None and not parts.fragment, url
    assert len(seen) == len(sent_urls)  # each request arrived at the base: none went elsewhere
    for method, path, headers, _body in seen:
        assert "X-Injected" not in headers
        assert headers["Host"] == base.netloc
        assert path.startswith("/callback/callback_api.php" if method == "POST" else "/")


def post(client, data):
    response = client.post("/tester/", data)
    assert response.status_code == 200
    return response


@examples
@given(choices=choices, as_typed=st.booleans())
def test_it_sends_a_developers_input_only_to_the_api_base(
    owner_client, issued, api_base, settings, sent_urls, choices, as_typed
):
    data = form_data(token=issued[0].pk, **choices)
    if as_typed:
        data["as_typed"] = "on"
    post(owner_client, data)
    assert_only_the_base(settings, sent_urls, api_base)


@examples
@given(choices=choices, token=value, host=value)
def test_it_sends_a_visitors_input_only_to_the_api_base(
    client, db, api_base, settings, sent_urls, choices, token, host
):
    post(client, form_data(pasted_token=token, host=host, as_typed="on", **choices))
    assert_only_the_base(settings, sent_urls, api_base)


@pytest.mark.parametrize("nasty_value", NASTY)
def test_it_sends_nasty_input_in_every_field_only_to_the_api_base(
    client, db, api_base, settings, sent_urls, nasty_value
):
    for transport in ("get", "jsonp", "post"):
        for action in ("callback", "neocallback"):  # between them they use every field
            fields = {name: nasty_value for name in FIELDS}
            post(
                client,
                form_data(
                    pasted_token=nasty_value,
                    host="example.com",
                    as_typed="on",
                    transport=transport,
                    action=action,
                    **fields,
                ),
            )
    assert_only_the_base(settings, sent_urls, api_base)
    assert len(sent_urls) == 6 or nasty_value.strip() == "" or len(nasty_value.encode()) > 32


def test_it_keeps_nasty_input_as_data_inside_the_path(client, db, api_base, settings, sent_urls):
    nasty_value = "../../admin/?x=1#y"
    post(client, form_data(pasted_token="mytoken", as_typed="on", message=nasty_value))
    [(method, path, _headers, _body)] = api_base
    assert path == "/mytoken/callback/01010041004/kr/01011111111/kr/..%2F..%2Fadmin%2F%3Fx%3D1%23y"


@pytest.mark.parametrize("transport", ["get", "jsonp", "post"])
def test_it_shows_the_request_exactly_as_it_arrived(client, db, api_base, transport):
    data = form_data(pasted_token="mytokentoken", host="example.com", transport=transport, message="안녕 /x")
    html = client.post("/tester/", data).content.decode()
    [(method, path, headers, body)] = api_base
    shown = element(html, "sent-request")
    head, _, shown_body = shown.partition("\n\n")
    request_line, *header_lines = head.rstrip("\n").split("\n")
    assert request_line == f"{method} {path} HTTP/1.1".replace("mytokentoken", "myto…oken")
    # Every header as it arrived, but the page's own vouching for its visitor, which the developer never sent.
    assert header_lines == [f"{name}: {value}" for name, value in headers.items() if name != VISITOR_HEADER]
    assert VISITOR_HEADER in headers
    assert shown_body.strip() == body.decode()


# ---- in development, without API_BASE_URL: the server's own socket, whatever the Host header names ----


@pytest.fixture
def listener_beside(live_server):
    """Starts a recording server on another socket than the live server's; returns what it received.

    `beside("::1")` listens on the IPv6 loopback at the live server's own port (the live server is on
    127.0.0.1), `beside("127.0.0.1", port)` on another port.
    """
    servers = []

    def start(host, port=None):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        handler = type("Handler", (RecordingAPI,), {"seen": []})

        class Server(ThreadingHTTPServer):
            address_family = family

            def server_bind(self):
                if family == socket.AF_INET6:
                    self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                super().server_bind()

        try:
            server = Server((host, urlsplit(live_server.url).port if port is None else port), handler)
        except OSError as error:
            pytest.skip(f"cannot listen on {host}: {error}")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return handler.seen, server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def post_to_live_server(live_server, host_header, data):
    """Sends the form to the live server as a browser would (CSRF cookie and field), with this Host header."""
    url = live_server.url.replace("localhost", "127.0.0.1") + "/tester/"
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    page = opener.open(urllib.request.Request(url, headers={"Host": host_header}), timeout=30).read().decode()
    data = {**data, "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)}
    request = urllib.request.Request(url, data=urlencode(data).encode(), headers={"Host": host_header})
    return opener.open(request, timeout=30).read().decode()


@pytest.fixture
def development(settings, transactional_db):
    settings.DEBUG, settings.API_BASE_URL = True, ""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def test_it_sends_to_the_servers_own_socket_when_the_host_header_names_the_ipv6_loopback(
    development, live_server, listener_beside, sent_urls
):
    port = urlsplit(live_server.url).port
    elsewhere, _ = listener_beside("::1")

    html = post_to_live_server(live_server, f"[::1]:{port}", form_data(pasted_token="mytokentoken"))

    assert elsewhere == [], "the token went to [::1], a socket the server does not listen on"
    assert sent_urls == [f"http://127.0.0.1:{port}/mytokentoken/callback/01010041004/kr/01011111111/kr/hello%20world"]
    assert 'data-outcome="failed"' in html and "unknown token" in html


def test_it_sends_to_the_servers_own_socket_when_the_host_header_names_another_port(
    development, live_server, listener_beside, sent_urls
):
    port = urlsplit(live_server.url).port
    elsewhere, other_port = listener_beside("127.0.0.1", 0)

    post_to_live_server(live_server, f"127.0.0.1:{other_port}", form_data(pasted_token="mytokentoken"))

    assert elsewhere == []
    assert [urlsplit(url).netloc for url in sent_urls] == [f"127.0.0.1:{port}"]


def test_it_sends_to_this_very_server_in_development(development, live_server, sent_urls):
    port = urlsplit(live_server.url).port

    html = post_to_live_server(live_server, f"localhost:{port}", form_data(pasted_token="mytokentoken"))

    assert [urlsplit(url).netloc for url in sent_urls] == [f"127.0.0.1:{port}"]
    assert "unknown token" in html
