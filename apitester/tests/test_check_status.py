"""/tester/call-requests/<id>/status/: "Check status" of a followed call request sends the API's real status call
(GET /<token>/status/<id>) with the token of the page's form, shown like any exchange; 404 for anyone who may not
follow the request, and nothing sent."""

import json

import pytest
from django.test import Client

from api.models import ApiRequestLog, CallRequest
from apitester.models import SentRequest
from tests.helpers import element, form_data
from tests.tokens import server_token

pytestmark = pytest.mark.django_db


def sent(client, **fields):
    html = client.post("/tester/", form_data(**fields)).content.decode()
    assert 'data-outcome="success"' in html
    return CallRequest.objects.order_by("-updated_at").first()


def check(client, public_id, **fields):
    return client.post(f"/tester/call-requests/{public_id}/status/", form_data(**fields))


def test_it_sends_the_real_status_call_and_shows_its_answer(owner_client, issued, target, api_on_live_server):
    token, _value = issued
    call_request = sent(owner_client, token=token.pk)
    call_request.mark_delivered()
    call_request.answer()

    response = check(owner_client, call_request.public_id, token=token.pk)

    html = response.content.decode()
    assert response.status_code == 200
    assert element(html, "sent-request").startswith(f"GET /{token.masked}/status/{call_request.public_id} HTTP/1.1")
    answer = json.loads(element(html, "received-json"))
    assert (answer["result"], answer["id"], answer["state"]) == ("success", call_request.public_id, "answered")
    assert [step["state"] for step in answer["history"]] == ["pending", "delivered", "answered"]
    assert 'id="followed"' in html and 'data-state="answered"' in html
    logged = ApiRequestLog.objects.filter(action="status").get()
    assert logged.token == token and element(html, "request-id") == logged.request_id


def test_it_keeps_status_checks_out_of_the_history(owner_client, issued, target, api_on_live_server):
    call_request = sent(owner_client, token=issued[0].pk)

    check(owner_client, call_request.public_id, token=issued[0].pk)

    assert list(SentRequest.objects.values_list("action", flat=True)) == ["callback"]


def test_it_answers_the_pages_script_in_place(owner_client, issued, target, api_on_live_server):
    call_request = sent(owner_client, token=issued[0].pk)

    parts = owner_client.post(
        f"/tester/call-requests/{call_request.public_id}/status/",
        form_data(token=issued[0].pk),
        headers={"Accept": "application/json"},
    ).json()

    assert parts["valid"] is True
    assert json.loads(element(parts["result"], "received-json"))["state"] == "pending"


def test_it_checks_with_the_token_an_anonymous_visitor_pastes_again(client, issued, target, api_on_live_server):
    _token, value = issued
    call_request = sent(client, pasted_token=value)

    without = check(client, call_request.public_id)
    answered = check(client, call_request.public_id, pasted_token=value)

    assert 'data-outcome="success"' not in without.content.decode()
    assert "This field is required." in element(without.content.decode(), "tester-form")
    assert json.loads(element(answered.content.decode(), "received-json"))["state"] == "pending"


def test_it_shows_the_apis_answer_for_a_token_of_another_developer(
    client, issued, outsider, target, api_on_live_server
):

    call_request = sent(client, pasted_token=issued[1])
    _theirs, other_value = server_token(outsider, "Theirs", "example.com")

    html = check(client, call_request.public_id, pasted_token=other_value).content.decode()

    assert json.loads(element(html, "received-json")) == {"result": "failed", "reason": "unknown call request"}


def test_it_answers_404_to_another_developer_and_sends_nothing(
    owner_client, outsider, issued, target, api_on_live_server, sent_urls
):
    call_request = sent(owner_client, token=issued[0].pk)
    sent_urls.clear()
    theirs = Client()
    theirs.force_login(outsider)

    assert check(theirs, call_request.public_id).status_code == 404
    assert check(Client(), call_request.public_id, pasted_token=issued[1]).status_code == 404
    assert sent_urls == []


def test_it_answers_405_to_a_get(owner_client, issued, target, api_on_live_server):
    call_request = sent(owner_client, token=issued[0].pk)

    assert owner_client.get(f"/tester/call-requests/{call_request.public_id}/status/").status_code == 405
