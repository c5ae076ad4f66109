"""A GET API URL carries the caller's token: Django's request log must not."""

import io
import logging

import pytest

TOKEN = "cbn_SECRETsecretSECRETsecret0123"


@pytest.mark.django_db
def test_it_logs_a_failed_api_call_without_its_token(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(f"/{TOKEN}/callback/01010041004/kr/01099999999/kr/hello")
        logging.getLogger("django.request").warning("%s: %s", "Not Found", f"/{TOKEN}/neocancel/0101/kr/someone")

    assert caplog.records, "Django logged nothing"
    assert TOKEN not in caplog.text
    assert "/[token]/neocancel/0101/kr/someone" in caplog.text


def test_it_redacts_a_token_before_a_mistyped_action(client, caplog, issued):
    _, real = issued
    with caplog.at_level(logging.INFO):
        response = client.get(f"/{real}/calback/01010041004/kr/01099999999/kr/hello")
    assert response.json()["reason"] == "unknown action"
    assert caplog.records, "Django logged nothing"
    assert real not in caplog.text
    assert "/[token]/calback/" in caplog.text


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
