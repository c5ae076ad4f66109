"""Every API answer carries X-Request-Id (also in the request log); the answer of a call request sent or cancelled
carries X-Call-Request-Id. The seed's bodies stay as they were, byte for byte."""

import re

import pytest

from api.models import ApiRequestLog, CallRequest
from tests.helpers import seed_body

pytestmark = pytest.mark.django_db
REQUEST_ID = re.compile(r"^req_[0-9a-f]{24}$")
SEED_SUCCESS_BYTES = b'{"result":"success","opname":"SRTelecom","iso":"kr","phone_number":"01011111111"}'
CALLBACK = "/callback/01010041004/kr/01011111111/kr/hello"


def post(client, body):
    return client.post(
        "/callback/callback_api.php", body, content_type="application/json", headers={"Referer": "http://example.com/"}
    )


def test_it_gives_each_answer_its_own_request_id_and_logs_it(client, value, target):
    answers = [client.get(f"/{value}{CALLBACK}"), client.get(f"/{value}{CALLBACK}", {"callback": "cb"})]
    answers += [post(client, seed_body(value)), client.get("/cbn_unknown/cancel/01010041004/kr/01011111111/kr")]

    ids = [answer["X-Request-Id"] for answer in answers]
    assert all(REQUEST_ID.match(request_id) for request_id in ids) and len(set(ids)) == 4
    assert list(ApiRequestLog.objects.order_by("id").values_list("request_id", flat=True)) == ids


def test_it_names_the_call_request_of_a_successful_callback(client, value, target):
    response = client.get(f"/{value}{CALLBACK}")

    assert response.content == SEED_SUCCESS_BYTES
    call_request = CallRequest.objects.get()
    assert response["X-Call-Request-Id"] == call_request.public_id
    assert ApiRequestLog.objects.get().call_request == call_request


def test_it_names_the_call_request_on_both_transports_and_neocallback(client, value, target):
    get = client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hello", {"callback": "cb"})
    posted = post(client, seed_body(value, msg="again"))

    assert get["X-Call-Request-Id"] == posted["X-Call-Request-Id"] == CallRequest.objects.get().public_id


def test_it_names_no_call_request_for_a_failure(client, value, target):
    not_registered = client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hello")
    nothing_pending = client.get(f"/{value}/cancel/01010041004/kr/01011111111/kr")

    assert (not_registered.status_code, nothing_pending.status_code) == (404, 409)
    assert "X-Call-Request-Id" not in not_registered and "X-Call-Request-Id" not in nothing_pending


def test_it_names_the_call_request_a_get_cancel_withdrew(client, value, target):
    sent = client.get(f"/{value}{CALLBACK}")
    cancelled = client.get(f"/{value}/cancel/01010041004/kr/01011111111/kr")

    assert cancelled.content == SEED_SUCCESS_BYTES
    call_request = CallRequest.objects.get()
    assert cancelled["X-Call-Request-Id"] == sent["X-Call-Request-Id"] == call_request.public_id
    assert call_request.state == CallRequest.State.CANCELLED
    assert ApiRequestLog.objects.get(action="cancel").call_request == call_request


def test_it_names_the_call_request_an_encrypted_neocancel_withdrew(client, value, target):
    sent = post(client, seed_body(value))
    cancelled = post(client, seed_body(value, action="neocancel", msg="", iso="", phonenumber="airpagephone"))

    assert cancelled.content == SEED_SUCCESS_BYTES
    assert cancelled["X-Call-Request-Id"] == sent["X-Call-Request-Id"] == CallRequest.objects.get().public_id
    assert CallRequest.objects.get().state == CallRequest.State.CANCELLED


def test_it_names_the_call_request_a_jsonp_neocancel_withdrew(client, value, target):
    sent = client.get(f"/{value}{CALLBACK}")
    cancelled = client.get(f"/{value}/neocancel/01010041004/kr/airpagephone", {"callback": "cb"})

    assert cancelled.content == b"/**/cb(" + SEED_SUCCESS_BYTES + b");"
    assert cancelled["X-Call-Request-Id"] == sent["X-Call-Request-Id"]


def test_it_lets_pages_read_the_ids(client, value, target):
    response = client.get(f"/{value}{CALLBACK}")

    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Request-Id", "X-Call-Request-Id"} <= exposed


def test_call_request_ids_are_unguessable_letters_and_digits_each_equally_likely():
    from collections import Counter

    from api.models import new_call_request_id

    ids = [new_call_request_id() for _ in range(20_000)]

    assert all(re.fullmatch(r"cr_[A-Za-z0-9]{22}", public_id) for public_id in ids) and len(set(ids)) == len(ids)
    counts = Counter("".join(public_id[3:] for public_id in ids))
    assert len(counts) == 62
    # A byte taken modulo 62 without skipping 248-255 would favour the first 8 characters (a-h) by a quarter.
    first, rest = [counts[c] for c in "abcdefgh"], [counts[c] for c in counts if c not in "abcdefgh"]
    assert abs((sum(first) / len(first)) / (sum(rest) / len(rest)) - 1) < 0.05
