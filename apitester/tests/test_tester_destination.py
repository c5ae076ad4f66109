"""No form input can make the page's server call any address but the configured API base.

requests.Session.send is wrapped to record each prepared URL (the request still goes out, to a
local server that records what arrives); every one must have the base's scheme, host and port.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apitester.tests.conftest import element, form_data

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
    assert header_lines == [f"{name}: {value}" for name, value in headers.items()]
    assert shown_body.strip() == body.decode()
