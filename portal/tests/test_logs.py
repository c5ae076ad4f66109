"""Log redaction of test tokens (cbn_test_…): a test token is a secret like a live one, in a path and in any text."""

import io
import logging

import pytest

from accounts.models import ApiToken
from api.protocol import GET_ACTIONS
from api.routing import page_prefixes
from portal.logs import redact

TEST_TOKEN = "cbn_test_" + "Q1w2E3r4T5y6U7i8O9p0A1s"


def written_by_console(*lines):
    """What the console handler that LOGGING configures writes for these warnings of a logger of ours."""
    console = logging.getLogger().handlers[0]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        for line in lines:
            logging.getLogger("api.anything").warning("%s", line)
    finally:
        console.setStream(previous)
    return written.getvalue()


def test_it_redacts_a_test_token_in_text_whole():
    assert len(TEST_TOKEN) == 32

    err = written_by_console(f"while handling {TEST_TOKEN}, something broke", f"token={TEST_TOKEN}&x=1")

    assert "while handling [token], something broke" in err
    assert "token=[token]&x=1" in err
    assert TEST_TOKEN[9:] not in err and TEST_TOKEN[-8:] not in err  # nothing of its random part


@pytest.mark.parametrize("action", sorted(GET_ACTIONS))
def test_it_redacts_a_test_token_in_an_api_path_of_each_action(action):
    line = f'"GET /{TEST_TOKEN}/{action}/01010041004/kr/01000000001/kr/hello HTTP/1.1" 200 81'

    redacted = redact(line, page_prefixes(), frozenset(GET_ACTIONS))

    assert redacted == f'"GET /[token]/{action}/[params] HTTP/1.1" 200 81'


def test_it_logs_a_refused_test_call_without_its_token_or_numbers(client, caplog, developer):
    _token, plaintext = ApiToken.issue(developer, "Test", "localhost", test=True)
    with caplog.at_level(logging.INFO):
        response = client.get(f"/{plaintext}/callback/01010041004/kr/01099999999/kr/hello")

    assert response.json()["reason"] == "test tokens reach only test phones"
    assert response.status_code == 403
    assert plaintext not in caplog.text and plaintext[9:] not in caplog.text
    assert "01099999999" not in caplog.text
