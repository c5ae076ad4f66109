"""/device/v1/blocks and /device/v1/call-requests/<id>/spam: a subscriber blocks a callback number or a developer,
lists and undoes the blocks, reports spam; the Open API then refuses the blocked sender, creating nothing."""

import json

import pytest
from django.core import mail

from accounts.models import ApiToken
from api.models import ApiRequestLog, CallRequest
from api.reasons import BLOCKED_BY_RECIPIENT
from api.recipients import Block, SpamReport
from tests.helpers import SEED_SUCCESS, failed
from tests.tokens import server_token

pytestmark = pytest.mark.django_db
CALLBACK = "/{value}/callback/{requester}/kr/01011111111/kr/hi"


@pytest.fixture
def value(issued):
    return issued[1]


def call(client, value, requester="01010041004"):
    return client.get(CALLBACK.format(value=value, requester=requester)).json()


def post(phone, path, body=None):
    return phone.post(path, json.dumps(body or {}), content_type="application/json")


def test_it_blocks_a_callback_number_and_the_api_refuses_it_creating_nothing(phone, client, value, token, target):
    assert call(client, value) == SEED_SUCCESS
    sent = CallRequest.objects.get()

    response = post(phone, "/device/v1/blocks", {"kind": "number", "call_request": sent.public_id})

    assert response.status_code == 201 and response.json()["block"]["number"] == "+821010041004"
    sent.delete()
    assert call(client, value) == failed(BLOCKED_BY_RECIPIENT.text)
    assert not CallRequest.objects.exists()
    assert ApiRequestLog.objects.for_token(token).latest("created_at").reason == BLOCKED_BY_RECIPIENT.text
    assert call(client, value, requester="01010041005") == SEED_SUCCESS  # another number of the same developer


def test_it_blocks_a_typed_number(phone, client, value, target):
    response = post(phone, "/device/v1/blocks", {"kind": "number", "number": "+82 10-1004-1004"})
    assert response.status_code == 201
    assert call(client, value) == failed(BLOCKED_BY_RECIPIENT.text)


def test_it_blocks_a_developer_account_across_its_tokens(phone, client, value, developer, target, send):
    sent = send(target)
    post(phone, "/device/v1/blocks", {"kind": "developer", "call_request": sent.public_id})
    sent.decline()
    _other, other_value = server_token(developer, "Other app", "other.example.com")

    assert call(client, other_value, requester="01099998888") == failed(BLOCKED_BY_RECIPIENT.text)
    assert CallRequest.objects.count() == 1


def test_it_lists_and_undoes_blocks(phone, client, value, target, send):
    sent = send(target)
    post(phone, "/device/v1/blocks", {"kind": "developer", "call_request": sent.public_id})
    post(phone, "/device/v1/blocks", {"kind": "number", "number": "+821077776666"})

    listed = phone.get("/device/v1/blocks").json()["blocks"]
    assert [(block["kind"], block.get("number") or block.get("developer")) for block in listed] == [
        ("number", "+821077776666"),
        ("developer", "My site"),
    ]
    developer_block = listed[1]["id"]
    assert phone.delete(f"/device/v1/blocks/{developer_block}").json()["block"]["id"] == developer_block
    assert phone.delete(f"/device/v1/blocks/{developer_block}").json() == {"reason": "unknown block"}
    sent.decline()
    assert call(client, value) == SEED_SUCCESS


def test_it_refuses_a_bad_block_and_another_subscribers_request(phone, send, other_subscriber):
    theirs = send(other_subscriber)
    assert post(phone, "/device/v1/blocks", {"kind": "nothing"}).status_code == 400
    assert post(phone, "/device/v1/blocks", {"kind": "number", "number": "12"}).json() == {"reason": "invalid block"}
    assert post(phone, "/device/v1/blocks", {"kind": "developer", "call_request": theirs.public_id}).status_code == 404
    assert not Block.objects.exists()


def test_it_reports_spam_blocking_the_sender_and_declining_the_request(phone, client, value, target, send, staff):
    sent = send(target)

    response = post(phone, f"/device/v1/call-requests/{sent.public_id}/spam")

    assert response.status_code == 200 and response.json()["call_request"]["state"] == "declined"
    assert SpamReport.objects.get().developer == sent.developer
    assert Block.objects.get().kind == "developer"
    assert call(client, value, requester="01012121212") == failed(BLOCKED_BY_RECIPIENT.text)


def test_it_suspends_a_developer_reported_by_enough_subscribers_and_mails_them_and_staff(
    developer, staff, token, send, target, other_subscriber, settings
):
    from device.models import DeviceKey
    from tests.helpers import bearer

    settings.SPAM_REPORTS_TO_SUSPEND = 2
    settings.SITE_URL = "https://developers.example.com"
    test_token = ApiToken.issue(developer, "Sandbox", "localhost", test=True)[0]
    for subscriber in (target, other_subscriber):
        from django.test import Client

        phone = Client(**bearer(DeviceKey.issue(subscriber, "Phone")[1]))
        assert post(phone, f"/device/v1/call-requests/{send(subscriber).public_id}/spam").status_code == 200

    token.refresh_from_db()
    test_token.refresh_from_db()
    assert token.state == "suspended" and "reported them as spam" in token.state_reason
    assert test_token.state == "active"  # test tokens reach no one
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([developer.email, staff.email])
    assert any("/admin/api/spamreport/" in message.body for message in mail.outbox)
