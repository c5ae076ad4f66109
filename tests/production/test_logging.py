"""A GET API URL carries the caller's token: Django's request log must not."""

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
