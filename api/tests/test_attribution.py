"""The test page vouches for its visitor's address: the API counts and logs the call under that address, so
visitors sending refused calls through the page use up their own allowance, not the server's."""

import json

import pytest
from django.core import signing

from api.attribution import VISITOR_HEADER, caller_address, vouch
from api.models import ApiRequestLog
from tests.helpers import SEED_SUCCESS

pytestmark = pytest.mark.django_db
SERVER, VISITOR, OTHER_VISITOR = "127.0.0.1", "198.51.100.7", "203.0.113.20"
UNKNOWN = "/cbn_NotAToken0123456789abcdefgh/cancel/01010041004/kr/01011111111/kr"


def get(client, path, visitor=None, **extra):
    headers = {VISITOR_HEADER: vouch(visitor)} if visitor else {}
    response = client.get(path, headers=headers, REMOTE_ADDR=SERVER, **extra)
    return response.status_code, json.loads(response.content)


def test_it_counts_refused_calls_under_the_vouched_visitor(client, value, target, settings):
    settings.API_REFUSED_PER_ADDRESS_PER_MINUTE = 2
    answers = [get(client, UNKNOWN, VISITOR)[0] for _ in range(3)]

    assert answers == [401, 401, 429]
    assert get(client, UNKNOWN, OTHER_VISITOR)[0] == 401
    assert get(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi")[1] == SEED_SUCCESS


def test_it_logs_the_call_under_the_vouched_visitor(client, value, target):
    get(client, f"/{value}/callback/01010041004/kr/01011111111/kr/hi", VISITOR)

    assert ApiRequestLog.objects.get().client_ip == VISITOR


@pytest.mark.parametrize(
    "header",
    [
        "198.51.100.7",  # unsigned
        "198.51.100.7:forged-signature",
        signing.TimestampSigner(salt="another.purpose").sign("198.51.100.7"),
    ],
)
def test_it_ignores_a_header_that_does_not_verify(rf, header):
    request = rf.get("/", headers={VISITOR_HEADER: header}, REMOTE_ADDR=SERVER)

    assert caller_address(request) == SERVER


def test_it_ignores_a_vouch_older_than_a_minute(rf, monkeypatch):
    import time

    signed = vouch(VISITOR)
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)

    assert caller_address(rf.get("/", headers={VISITOR_HEADER: signed}, REMOTE_ADDR=SERVER)) == SERVER
