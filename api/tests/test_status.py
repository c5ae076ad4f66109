"""GET /<token>/status/<call request id>: the state and history of a request, only for its sender's developer."""

import json
import re

import pytest

from accounts.models import ApiToken
from api.models import ApiRequestLog, CallRequest
from tests.helpers import failed
from tests.tokens import server_token

pytestmark = pytest.mark.django_db
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def send_callback(client, value):
    response = client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hello")
    return response["X-Call-Request-Id"]


def status(client, value, public_id, **query):
    response = client.get(f"/{value}/status/{public_id}", query)
    return response.status_code, response


def test_it_answers_the_state_and_history_in_the_seed_s_style(client, value, target):
    public_id = send_callback(client, value)
    call_request = CallRequest.objects.get(public_id=public_id)
    call_request.mark_delivered()
    call_request.mark_seen()
    call_request.answer()

    code, response = status(client, value, public_id)
    body = json.loads(response.content)

    assert code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    assert list(body) == ["result", "id", "state", "history", "expires_at", "delivery"]  # delivery: added last
    assert (body["result"], body["id"], body["state"]) == ("success", public_id, "answered")
    assert [entry["state"] for entry in body["history"]] == ["pending", "delivered", "seen", "answered"]
    assert all(ISO_MS.match(entry["at"]) for entry in body["history"]) and ISO_MS.match(body["expires_at"])
    assert body["delivery"] == []  # marked delivered by no phone's stream or long poll, and no push


def test_it_answers_by_jsonp_too(client, value, target):
    public_id = send_callback(client, value)

    code, response = status(client, value, public_id, callback="onStatus")

    assert code == 200 and response["Content-Type"].startswith("application/javascript")
    text = response.content.decode()
    assert text.startswith("/**/onStatus(") and f'"id":"{public_id}","state":"pending"' in text


def test_it_lets_every_token_of_the_sender_s_developer_read_it(client, value, target, developer):
    public_id = send_callback(client, value)
    second = server_token(developer, "Second", "second.example.com")[1]

    assert json.loads(status(client, second, public_id)[1].content)["state"] == "pending"


def test_it_keeps_test_mode_and_live_apart_for_one_developer(client, value, target, developer):
    """As the two worlds never touch: a developer's test token reads their test requests only, a live one live ones."""
    live_request = send_callback(client, value)
    test_value = ApiToken.issue(developer, "Sandbox", "localhost", test=True)[1]
    test_request = client.get(f"/{test_value}/callback/01010041004/kr/01000000003/kr/hello")["X-Call-Request-Id"]

    assert json.loads(status(client, test_value, test_request)[1].content)["state"] == "pending"
    assert json.loads(status(client, value, live_request)[1].content)["state"] == "pending"
    assert json.loads(status(client, test_value, live_request)[1].content) == failed("unknown call request")
    assert json.loads(status(client, value, test_request)[1].content) == failed("unknown call request")


def test_it_tells_another_developer_nothing(client, value, target, outsider):
    public_id = send_callback(client, value)
    theirs = server_token(outsider, "Theirs", "theirs.example.com")[1]

    code, response = status(client, theirs, public_id)
    unknown_code, unknown = status(client, theirs, "cr_doesnotexist0000000000")

    assert (code, json.loads(response.content)) == (404, failed("unknown call request"))
    assert (unknown_code, unknown.content) == (code, response.content)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/", "missing parameter"),
        ("/status/a/b", "too many parameters"),
        ("/status/nope", "unknown call request"),
    ],
)
def test_it_refuses_a_malformed_status_path(client, value, target, path, reason):
    assert json.loads(client.get(f"/{value}{path}").content) == failed(reason)


def test_it_logs_the_status_call_with_its_action(client, value, target, token):
    public_id = send_callback(client, value)
    status(client, value, public_id)

    assert list(ApiRequestLog.objects.order_by("id").values_list("action", "result")) == [
        ("callback", "success"),
        ("status", "success"),
    ]
