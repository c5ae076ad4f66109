"""Fixtures of the test page's tests: the API on a live server, a recorder of outgoing URLs, servers that misbehave."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.helpers import reauthenticate


@pytest.fixture(autouse=True)
def _fast_and_unlimited(settings):
    """Hash passwords quickly and lift the per-token and the page's rate limits: these tests send many calls a minute."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    settings.API_TESTER_SENDS_PER_VISITOR_PER_MINUTE = settings.API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE = 100_000


@pytest.fixture
def api_on_live_server(settings, live_server):
    """The test page sends to the live server's API over real HTTP."""
    settings.API_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def sent_urls(monkeypatch):
    """Every URL the server's requests really send (recorded, not faked: the request still goes out)."""
    urls = []
    original = requests.Session.send

    def recording_send(self, prepared, **kwargs):
        urls.append(prepared.url)
        return original(self, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording_send)
    return urls


@pytest.fixture
def answering_server():
    """Starts tiny local HTTP servers that answer every request with a fixed response; returns their URL."""
    servers = []

    def start(status=200, headers=(), body=b""):
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_server():
    """A local server that accepts connections and never answers; returns its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def hold():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port_url(closed_port):
    """A local address where nothing listens."""
    return f"http://127.0.0.1:{closed_port}"


@pytest.fixture
def confirmed_owner_client(owner_client, password):
    """The signed-in owner, who has just confirmed their password: the test page shows their token."""
    assert reauthenticate(owner_client, password).status_code == 302, "allauth did not accept the password"
    return owner_client
