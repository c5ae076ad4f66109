"""The test page after a send: the answer's X-Request-Id, and the call request its X-Call-Request-Id names, followed
with a timeline of its states; /tester/?follow=<id> shows that timeline as it is now (without sending anything)."""

import pytest
from django.test import Client
from django.utils.timezone import localtime

from api.models import ApiRequestLog, CallRequest
from apitester import following
from tests.helpers import element, form_data
from tests.tokens import server_token

pytestmark = pytest.mark.django_db


def send(client, **fields):
    response = client.post("/tester/", form_data(**fields))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_request_id_of_every_send(owner_client, issued, target, api_on_live_server):
    succeeded = send(owner_client, token=issued[0].pk)
    failed = send(owner_client, token=issued[0].pk, target_number="01099999999", as_typed="on")

    logged = list(ApiRequestLog.objects.order_by("id").values_list("request_id", flat=True))
    assert [element(succeeded, "request-id"), element(failed, "request-id")] == logged
    assert all(request_id.startswith("req_") for request_id in logged)


def test_it_follows_the_call_request_the_answer_names(owner_client, issued, target, api_on_live_server):
    html = send(owner_client, token=issued[0].pk)

    call_request = ApiRequestLog.objects.get().call_request
    assert f"X-Call-Request-Id: {call_request.public_id}" in element(html, "received-response")
    assert element(html, "followed-id") == call_request.public_id
    assert f'data-state-url="/tester/call-requests/{call_request.public_id}.json"' in html
    timeline = element(html, "followed-timeline")
    assert "Pending" in timeline and localtime(call_request.created_at).strftime("%H:%M:%S") in timeline
    assert "Delivered" in timeline and "not yet" in timeline


@pytest.mark.parametrize(
    "fields", [{"target_number": "01099999999", "as_typed": "on"}, {"action": "cancel"}], ids=["failed", "cancel"]
)
def test_it_follows_nothing_after_a_failure_or_a_cancel(owner_client, issued, target, api_on_live_server, fields):
    html = send(owner_client, token=issued[0].pk, **fields)

    assert 'id="request-id"' in html and 'id="followed"' not in html


def test_it_shows_the_state_now_on_a_reload_without_sending(
    owner_client, issued, target, api_on_live_server, sent_urls
):
    send(owner_client, token=issued[0].pk)
    call_request = CallRequest.objects.get()
    call_request.mark_delivered(), call_request.decline()
    sent_urls.clear()

    html = owner_client.get("/tester/", {"follow": call_request.public_id}).content.decode()

    assert sent_urls == []
    assert 'data-open="false"' in html and 'data-state="declined"' in html
    assert "Closed: Declined." in element(html, "followed-timeline")
    assert f'href="/tester/?follow={call_request.public_id}#followed"' in html  # Refresh, without JavaScript


def test_it_answers_404_to_following_another_developers_request(outsider_client, issued, target):
    Client().get(f"/{issued[1]}/callback/01010041004/kr/01011111111/kr/hi")

    assert outsider_client.get("/tester/", {"follow": CallRequest.objects.get().public_id}).status_code == 404
    assert Client().get("/tester/", {"follow": CallRequest.objects.get().public_id}).status_code == 404


def test_it_follows_only_requests_of_the_pasted_tokens_developer(
    client, issued, outsider, target, settings, answering_server
):
    """A gateway at the API address could name any ID: the page follows it only if the token's developer owns it."""
    _theirs, other_value = server_token(outsider, "Theirs", "example.com")
    Client().get(f"/{other_value}/callback/01010041004/kr/01011111111/kr/hi")
    theirs = CallRequest.objects.get().public_id
    body = b'{"result":"success","opname":"SRTelecom","iso":"kr","phone_number":"01011111111"}'
    settings.API_BASE_URL = answering_server(
        headers=[("Content-Type", "application/json"), ("X-Call-Request-Id", theirs)], body=body
    )

    html = send(client, pasted_token=issued[1])

    assert 'data-outcome="success"' in html and 'id="followed"' not in html
    assert client.session.get(following.SESSION_KEY) is None
    assert client.get(f"/tester/call-requests/{theirs}.json").status_code == 404


def test_it_links_a_developer_to_the_virtual_phone_and_says_a_key_is_needed(
    owner_client, issued, target, api_on_live_server
):
    html = send(owner_client, token=issued[0].pk)

    assert '<a id="target-phone" href="/phone/">' in html
    assert "device key (cbnd_…)" in element(html, "followed")


def test_it_links_staff_to_the_targets_own_phone(client, staff, target, api_on_live_server):
    token, _value = server_token(staff, "Staff site", "example.com")
    client.force_login(staff)

    html = send(client, token=token.pk)

    assert f'<a id="target-phone" href="/phone/staff/subscribers/{target.pk}/">' in html
    assert client.get(f"/phone/staff/subscribers/{target.pk}/").status_code == 200


def test_it_loads_its_script_from_a_file(owner_client, issued):
    html = owner_client.get("/tester/").content.decode()

    assert '<script src="/static/apitester/follow.js" defer></script>' in html
    assert "<script>" not in html


def test_it_speaks_korean(owner_client, issued, target, api_on_live_server):
    html = owner_client.post("/tester/", form_data(token=issued[0].pk), headers={"Accept-Language": "ko"})

    followed = element(html.content.decode(), "followed")
    for phrase in ("전화요청", "대기 중", "전달됨", "아직", "상태 확인", "가상 전화 열기", "기기 키"):
        assert phrase in followed, phrase


def test_its_timeline_shows_how_the_request_reached_the_phone(owner_client, issued, target, api_on_live_server):
    from device import inbox
    from device.models import DeviceKey

    send(owner_client, token=issued[0].pk)
    call_request = CallRequest.objects.get()
    key, _plaintext = DeviceKey.issue(target, "Phone")
    # What the phone's long poll reads (the async view itself cannot run under the test client once a browser test
    # has an event loop in this thread).
    inbox.snapshot(target, key)

    html = owner_client.get("/tester/", {"follow": call_request.public_id}).content.decode()

    timeline = element(html, "followed-timeline")
    assert "How it reached the phone" in timeline
    assert "long poll" in timeline and "handed to the phone" in timeline
