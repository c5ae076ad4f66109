"""A developer's web page on its own site calls the API from Chromium: the JSON POST needs a CORS preflight, which
the API answers, and the page's script reads the answer and the headers the API exposes."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.models import ApiToken
from api.models import CallRequest
from tests.helpers import SEED_SUCCESS, seed_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITE_HOST = "127.0.0.1"  # the developer's site: another origin than the live server's (localhost)


class EmptyPage(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Shop</title>")

    def log_message(self, *args):
        pass


@pytest.fixture
def site_page(page, live_server):
    """The browser on a page of the developer's site, served by a server of its own: not Playwright's routing,
    which answers CORS preflights itself and would hide the API's."""
    server = ThreadingHTTPServer((SITE_HOST, 0), EmptyPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page.goto(f"http://{SITE_HOST}:{server.server_port}/order")
    yield page
    server.shutdown()
    server.server_close()


def test_it_lets_another_site_s_page_post_encrypted_json(site_page, live_server, developer, target):
    _token, value = ApiToken.issue(developer, "Shop", SITE_HOST)

    # A JSON body makes it a non-simple request: the browser sends it only after the API's preflight allowed it.
    answer = site_page.evaluate(
        """async ([url, body]) => {
            const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body});
            return {status: response.status, body: await response.json(), id: response.headers.get("X-Call-Request-Id")};
        }""",
        [f"{live_server.url}/callback/callback_api.php", seed_body(value)],
    )

    assert (answer["status"], answer["body"]) == (200, SEED_SUCCESS)
    assert answer["id"] == CallRequest.objects.get().public_id  # an exposed header, read by the page


def test_it_lets_another_site_s_page_read_a_get_answer(site_page, live_server, developer, target):
    _token, value = ApiToken.issue(developer, "Shop", SITE_HOST)

    answer = site_page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, await r.text()]; }",
        f"{live_server.url}/{value}/callback/01010041004/kr/01011111111/kr/hi",
    )

    assert answer[0] == 200 and json.loads(answer[1]) == SEED_SUCCESS
