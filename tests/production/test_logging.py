"""A GET API URL carries the caller's token: Django's request log must not."""

import io
import logging
import re
import socket
import threading
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from api import rate_limits

TOKEN = "cbn_SECRETsecretSECRETsecret0123"


@pytest.mark.django_db
def test_it_logs_a_failed_api_call_without_its_token(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(f"/{TOKEN}/callback/01010041004/kr/01099999999/kr/hello")
        logging.getLogger("django.request").warning("%s: %s", "Not Found", f"/{TOKEN}/neocancel/0101/kr/someone")

    assert caplog.records, "Django logged nothing"
    assert TOKEN not in caplog.text
    assert "/[token]/neocancel/[params]" in caplog.text
    assert "/0101/kr/someone" not in caplog.text  # a path's parameters are phone numbers and IDs


def test_it_writes_no_server_log_line_for_a_refused_api_call(client, caplog, issued):
    """Each API answer is in the request log (the token masked): Django's request log, which would write a line
    for every 4xx with the call's path, writes none."""
    from api.models import ApiRequestLog

    _, real = issued
    with caplog.at_level(logging.INFO):
        response = client.get(f"/{real}/calback/01010041004/kr/01099999999/kr/hello")

    assert response.json()["reason"] == "unknown action"
    assert [record for record in caplog.records if record.name == "django.request"] == []
    assert real not in caplog.text
    entry = ApiRequestLog.objects.get()
    assert entry.reason == "unknown action" and real not in entry.received["path"]


def test_it_still_redacts_a_token_before_a_mistyped_action_in_a_line_that_names_it(caplog, issued):
    _, real = issued
    with caplog.at_level(logging.INFO):
        logging.getLogger("django.request").warning("Not Found: /%s/calback/01010041004/kr/01099999999/kr/hello", real)

    assert real not in caplog.text
    assert "Not Found: /[token]/calback/[params]" in caplog.text


def test_it_redacts_a_token_anywhere_in_any_logger_s_line():
    real = "cbn_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6"
    console = logging.getLogger().handlers[0]  # the console handler LOGGING configures
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        logging.getLogger("api.anything").warning("while handling %s something broke", real)
        logging.getLogger("django.request").warning("Not Found: /accounts/login/extra")
    finally:
        console.setStream(previous)
    err = written.getvalue()
    assert real not in err
    assert "while handling [token] something broke" in err
    assert "/accounts/login/extra" in err  # the portal's own pages keep their paths


@pytest.mark.django_db
def test_it_keeps_an_api_call_s_phone_numbers_out_of_the_server_s_log(client, caplog, issued):
    from api import demo

    demo.load(None)
    _, real = issued
    with caplog.at_level(logging.INFO):
        response = client.get(f"/{real}/cancel/01010041004/kr/01011111111/kr")

    assert response.json()["reason"] == "nothing pending to cancel"
    assert response.status_code == 409
    assert "01010041004" not in caplog.text and "01011111111" not in caplog.text
    assert "Conflict" not in caplog.text  # the refusal is the request log's, not a server log line


def test_it_keeps_the_paths_of_the_portal_s_own_pages(client, caplog, db):
    with caplog.at_level(logging.INFO):
        client.get("/accounts/no-such-page/01010041004/")

    assert "Not Found: /accounts/no-such-page/01010041004/" in caplog.text


# Any printable character but "/", which would end the path's first segment (and so the token) there.
TOKENS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="/"), min_size=4, max_size=40)
API_PATH = "/{}/callback/01010041004/kr/01011111111/kr/hello"
# What a redacted line is made of: runs of the token found in these words are no leak.
LOG_WORDS = '"GET /[token]/callback/[params] HTTP/1.1" 400 401 404 - Unauthorized: Not Found: code 400, message Bad request syntax (\''
REDACTED_PATH = r"/\[token\](/callback/\[params\])?"
REDACTED_LINE = re.compile(
    rf'"GET {REDACTED_PATH} HTTP/1\.1" \d{{3}} (\d+|-)'  # runserver's request line
    rf"|code 400, message Bad request syntax \([\"']GET {REDACTED_PATH} HTTP/1\.1[\"']\)"  # a space in the path
    rf"|(Unauthorized|Not Found): {REDACTED_PATH}"  # Django's request log
)


def leaked_runs(token, text):
    """The runs of four characters of the token that the text shows."""
    runs = {token[i : i + 4] for i in range(len(token) - 3)}
    return {run for run in runs if run in text and run not in LOG_WORDS}


@pytest.mark.django_db
def test_it_logs_no_line_of_an_api_call_with_a_token_of_any_printable_characters(client, caplog):
    from api.routing import page_prefixes

    @given(token=TOKENS)
    @settings(max_examples=200, deadline=None)
    def check(token):
        assume(token not in page_prefixes())
        cache.clear()  # the calls of one address with unknown tokens are rate limited too
        rate_limits.reset()  # (per process, where the cache is local memory)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            client.get(API_PATH.format(quote(token, safe="")))
        lines = [record.getMessage() for record in caplog.records if record.name == "django.request"]

        assert lines == []  # an API call, answered "unknown token": the request log holds it, masked
        assert not leaked_runs(token, "\n".join(caplog.messages))

    check()


@contextmanager
def development_server():
    """Django's runserver (its server and request handler, logging to django.server) on a free loopback port."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())  # not get_wsgi_application(): its setup would configure logging anew

    def serve():
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def send_request_line(address, target):
    """Sends `GET <target> HTTP/1.1` as written (spaces, quotes, "#" and "?" unescaped) and reads the answer."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        while sock.recv(65536):
            pass


@pytest.mark.django_db(transaction=True)
def test_it_redacts_a_token_of_any_printable_characters_in_the_development_server_s_log():
    from api.routing import page_prefixes

    console = logging.getLogger("django.server").handlers[0]  # the console handler LOGGING configures
    server_logger = logging.getLogger("django.server")
    level = server_logger.level
    server_logger.setLevel(logging.INFO)  # every line runserver writes, not only the failures
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        with development_server() as address:

            @given(token=TOKENS)
            @settings(max_examples=100, deadline=None)
            def check(token):
                assume(token not in page_prefixes())
                cache.clear()
                rate_limits.reset()
                written.seek(0)
                written.truncate()
                # As typed (a "%" escaped, or it would start an escape), and percent-encoded as a browser sends it.
                send_request_line(address, API_PATH.format(token.replace("%", "%25")))
                send_request_line(address, API_PATH.format(quote(token, safe="")))
                lines = wait_for_lines(written, 2)

                assert all(REDACTED_LINE.fullmatch(line) for line in lines), lines
                assert not leaked_runs(token, "\n".join(lines))

            check()
    finally:
        console.setStream(previous)
        server_logger.setLevel(level)


def wait_for_lines(stream, count, timeout=5):
    """The lines written so far, once at least `count` request lines (written after each answer) are there."""
    deadline = time.monotonic() + timeout
    while True:
        lines = stream.getvalue().splitlines()
        if sum(line.startswith('"GET ') for line in lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)
