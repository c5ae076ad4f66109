"""api.request_log: what the request log keeps of each API call (one insert, the token masked everywhere) and
the action a refused call asked for."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiRequestLog
from lib.aes import encrypt_field
from tests.helpers import seed_body

pytestmark = pytest.mark.django_db
POST_URL = "/callback/callback_api.php"


def post(client, body, referer="http://example.com/shop"):
    return client.post(POST_URL, body, content_type="application/json", headers={"Referer": referer})


def logged():
    return ApiRequestLog.objects.order_by("-id").first()


def test_it_keeps_a_gets_path_with_the_token_masked_its_headers_and_its_answer(client, value, token, target):
    response = client.get(
        f"/{value}/callback/010-1004-1004/kr/01011111111/kr/%EC%95%88%EB%85%95?callback=done",
        headers={"Referer": "https://example.com/order/7", "User-Agent": "shop-server/1.0"},
    )

    entry = logged()
    assert entry.received == {
        "method": "GET",
        "path": f"/{token.masked}/callback/010-1004-1004/kr/01011111111/kr/안녕",
        "query": "callback=done",
        "headers": {"Referer": "https://example.com/order/7", "User-Agent": "shop-server/1.0"},
    }
    assert entry.answer == response.content.decode()
    assert entry.numbers == "01010041004 01011111111"
    assert value not in json.dumps(entry.received) and value not in entry.answer


def test_it_keeps_a_posts_decrypted_fields_with_mytoken_masked(client, value, token, target):
    post(client, seed_body(value, msg="조금 까다롭던 그 고객", foot=1))  # a stale foot: refused after decryption

    entry = logged()
    fields = entry.received["fields"]
    assert (entry.reason, entry.action, entry.received["path"]) == ("stale foot", "callback", POST_URL)
    assert fields["mytoken"] == token.masked and fields["mymsg"] == "조금 까다롭던 그 고객"
    assert (fields["myphonenumber"], fields["phonenumber"], fields["foot"]) == ("01010041004", "01011111111", "1")
    assert entry.received["headers"]["Referer"] == "http://example.com/shop"
    assert value not in json.dumps(entry.received)


def test_it_keeps_no_fields_of_a_post_it_could_not_decrypt(client, value, target):
    body = json.loads(seed_body(value))
    body["phonenumber"] = encrypt_field("cbn_" + "Q" * 28, "01011111111")

    post(client, json.dumps(body))

    entry = logged()
    assert entry.reason == "undecryptable field" and "fields" not in entry.received


def test_it_writes_one_insert_per_call_and_no_other_statement_on_the_log(client, value, target):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    on_the_log = [q["sql"] for q in queries if ApiRequestLog._meta.db_table in q["sql"]]

    # Its own INSERT, or (PostgreSQL, no webhooks) an INSERT in a CTE of the call's upsert.
    assert len(on_the_log) == 1 and re.search(
        rf'(^|\bAS \()INSERT INTO "?{ApiRequestLog._meta.db_table}\b', on_the_log[0]
    )


def test_it_records_the_action_of_a_rate_limited_call(client, value, token, target):
    token.rate_limit_per_minute = 1
    token.save()
    client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    response = client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hi")

    assert response.status_code == 429
    assert (logged().reason, logged().action) == ("rate limited", "neocallback")


def test_it_records_the_action_of_a_call_from_another_host(client, value, target):
    client.get(f"/{value}/cancel/01010041004/kr/01011111111/kr", headers={"Referer": "https://elsewhere.test/"})

    assert (logged().reason, logged().action, logged().numbers) == (
        "host mismatch",
        "cancel",
        "01010041004 01011111111",
    )


@pytest.mark.parametrize(
    "path, action",
    [
        ("callback/01010041004/kr/01011111111/kr/hi", "callback"),
        ("cancel/01010041004/kr/airpagephone", "neocancel"),  # the seed's three-part cancel
        ("status/cr_3kTMd9xQ2nVbW8pLs7YhZa", "status"),
    ],
)
def test_it_records_the_action_of_a_get_with_a_token_not_active(client, value, token, target, path, action):
    token.suspend("abuse")

    client.get(f"/{value}/{path}")

    assert (logged().reason, logged().action, logged().token) == ("token not active", action, token)


def test_it_records_the_action_of_a_post_with_a_token_not_active(client, value, token, target):
    token.revoke()

    post(client, seed_body(value, action="cancel", iso="", phonenumber="airpagephone"))

    entry = logged()
    assert (entry.reason, entry.action) == ("token not active", "neocancel")
    assert entry.received["fields"]["mytoken"] == token.masked


def test_it_records_no_action_for_a_path_naming_none(client, value, target):
    client.get(f"/{value}/calback/01010041004/kr/01011111111/kr/hi")

    assert (logged().reason, logged().action) == ("unknown action", "")


def test_it_masks_a_token_it_does_not_know(client, target):
    client.get("/cbn_NotARealTokenButMaybeATypo1234/callback/01010041004/kr/01011111111/kr/hi")

    entry = logged()
    assert entry.received["path"] == "/[token]/callback/01010041004/kr/01011111111/kr/hi"
    assert (entry.reason, entry.action) == ("unknown token", "callback")


def test_it_keeps_a_nul_in_the_path_as_its_symbol(client, value, target):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/nul%00byte")

    entry = logged()
    assert response.status_code == 400 and entry.reason == "invalid message"
    assert entry.received["path"].endswith("/kr/nul\u2400byte")


def test_it_keeps_a_nul_in_a_decrypted_field_as_its_symbol(client, value, target):
    post(client, seed_body(value, msg="nul\x00byte"))

    entry = logged()
    assert (entry.reason, entry.received["fields"]["mymsg"]) == ("invalid message", "nul\u2400byte")
