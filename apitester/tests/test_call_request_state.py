"""/tester/call-requests/<id>.json: a followed call request's state, history and timeline for the test page's
script. Its developer (signed in) reads it, an anonymous visitor only the requests sent from their own session;
anyone else gets 404."""

import pytest
from django.test import Client

from api.models import CallRequest
from device.models import DeviceKey
from tests.helpers import form_data
from tests.tokens import server_token

pytestmark = pytest.mark.django_db


def sent(client, **fields):
    """Sends the seed's callback from the test page; returns the ID the answer named (X-Call-Request-Id)."""
    html = client.post("/tester/", form_data(**fields)).content.decode()
    assert 'data-outcome="success"' in html
    return CallRequest.objects.order_by("-updated_at").first().public_id


def url(public_id):
    return f"/tester/call-requests/{public_id}.json"


def phone(client, target, action, public_id):
    """What the target's CallbackNow app does, through the device API."""
    _key, plaintext = DeviceKey.issue(target, "Test phone")
    path = f"/device/v1/call-requests/{public_id}/{action}"
    assert client.post(path, headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200


def test_it_follows_the_owners_request_as_the_phone_acts(owner_client, issued, target, api_on_live_server):
    public_id = sent(owner_client, token=issued[0].pk)

    before = owner_client.get(url(public_id))
    phone(Client(), target, "answer", public_id)
    after = owner_client.get(url(public_id))

    assert before.status_code == 200 and before["Cache-Control"].startswith("max-age=0")
    assert (before.json()["state"], before.json()["open"]) == ("pending", True)
    assert [step["state"] for step in after.json()["history"]] == ["pending", "answered"]
    assert (after.json()["state"], after.json()["open"]) == ("answered", False)
    assert after.json()["id"] == public_id


def test_it_gives_the_timeline_as_the_page_shows_it(owner_client, issued, target, api_on_live_server):
    public_id = sent(owner_client, token=issued[0].pk)
    CallRequest.objects.get(public_id=public_id).mark_delivered()

    timeline = owner_client.get(url(public_id), headers={"Accept-Language": "ko"}).json()["timeline"]

    assert 'data-state="pending"' in timeline and 'data-state="delivered"' in timeline
    assert 'class="timeline-step timeline-ahead" data-state="seen"' in timeline
    assert "아직" in timeline and "전달됨" in timeline


def test_it_lets_an_anonymous_visitor_follow_what_their_session_sent(client, issued, target, api_on_live_server):
    public_id = sent(client, pasted_token=issued[1])

    assert client.get(url(public_id)).json()["state"] == "pending"
    assert Client().get(url(public_id)).status_code == 404  # another browser, same ID


def test_it_answers_404_to_another_developer(owner_client, outsider, issued, target, api_on_live_server):
    public_id = sent(owner_client, token=issued[0].pk)
    theirs = Client()
    theirs.force_login(outsider)

    assert theirs.get(url(public_id)).status_code == 404


def test_it_answers_404_to_an_anonymous_visitor_for_a_request_sent_elsewhere(client, issued, target):
    _token, value = issued
    client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")  # the API itself, not the test page

    assert client.get(url(CallRequest.objects.get().public_id)).status_code == 404


def test_it_answers_404_to_the_owner_for_another_developers_request(owner_client, outsider, target):
    token, value = server_token(outsider, "Theirs", "example.com")
    Client().get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")

    assert owner_client.get(url(CallRequest.objects.get().public_id)).status_code == 404


@pytest.mark.parametrize("public_id", ["cr_unknown0000000000000000", "1", "cr_", "cr_" + "a" * 40])
def test_it_answers_404_to_ids_that_are_nobodys(owner_client, issued, public_id):
    assert owner_client.get(url(public_id)).status_code == 404


def test_it_answers_405_to_a_post(owner_client, issued, target, api_on_live_server):
    public_id = sent(owner_client, token=issued[0].pk)

    assert owner_client.post(url(public_id)).status_code == 405
