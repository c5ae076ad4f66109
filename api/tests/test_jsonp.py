"""?callback=name on any GET: a script calling the name, always 200; a bad name is refused in plain JSON."""

import json

import pytest

from api.models import ApiRequestLog
from tests.helpers import SEED_SUCCESS

pytestmark = pytest.mark.django_db


def test_it_answers_the_seeds_jsonp_example(client, value, target):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hello%20world/?callback=mycallbackfunction")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.content.decode() == f"/**/mycallbackfunction({json.dumps(SEED_SUCCESS, separators=(',', ':'))});"


def test_it_answers_a_failure_with_200_so_a_script_tag_can_read_it(client, value, target):
    response = client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi?callback=app.on_done")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("/**/app.on_done(") and body.endswith(");")
    assert json.loads(body[len("/**/app.on_done(") : -2]) == {
        "result": "failed",
        "reason": "target number is not registered to callbacknow",
    }


def test_it_answers_an_unknown_token_in_jsonp_too(client):
    response = client.get("/mytokentoken/cancel/01010041004/kr/airpagephone?callback=cb")

    assert response.status_code == 200
    assert response.content == b'/**/cb({"result":"failed","reason":"unknown token"});'


@pytest.mark.parametrize(
    "name", ["", "alert(1)//", "a b", "1abc", "a..b", "a.", "<script>", "cb;alert(1)", "x" * 65, "a-b", "콜백"]
)
def test_it_refuses_a_bad_callback_name_in_plain_json_without_reflecting_it(client, value, target, name):
    response = client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hi", {"callback": name})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"result": "failed", "reason": "invalid callback name"}
    assert not target.call_requests.exists()


def test_it_escapes_line_separators_inside_the_script(client, value, target):
    target.operator = "SR\u2028Telecom"
    target.save()

    response = client.get(f"/{value}/neocallback/01010041004/kr/airpagephone/hi?callback=cb")

    assert "\u2028" not in response.content.decode()
    assert "SR\\u2028Telecom" in response.content.decode()


def test_it_logs_a_refused_callback_name_in_the_developers_request_log(client, owner_client, token, value, target):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi", {"callback": "alert(1)//"})
    assert response.status_code == 400

    row = ApiRequestLog.objects.get()
    assert (row.token, row.transport, row.reason, row.status) == (token, "JSONP", "invalid callback name", 400)
    page = owner_client.get(f"/tokens/{token.pk}/log/").content.decode()
    assert "invalid callback name" in page and "alert(1)" not in page


def test_it_refuses_a_bad_callback_name_before_looking_at_an_unknown_token(client):
    response = client.get("/cbn_nosuchtoken/callback/01010041004/kr/01011111111/kr/hi", {"callback": "a b"})

    assert response.status_code == 400
    assert json.loads(response.content) == {"result": "failed", "reason": "invalid callback name"}
    assert ApiRequestLog.objects.get().token is None
