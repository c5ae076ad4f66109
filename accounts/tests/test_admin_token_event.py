"""The audit log in the admin: staff read and search it, nobody writes to it."""

import pytest
from django.urls import reverse

from accounts.templatetags.tokens import event_detail

CHANGELIST = reverse("admin:accounts_tokenevent_changelist")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_it_lists_searches_and_filters_every_event(staff_client, issued, outsider):
    from accounts.models import ApiToken

    token, _ = issued
    other, _ = ApiToken.issue(outsider, "Blog", "blog.example")
    other.suspend("Abuse")
    page = staff_client.get(CHANGELIST).content.decode()
    assert "owner@example.com" in page and "outsider@example.com" in page
    assert "outsider@example.com" not in staff_client.get(CHANGELIST, {"q": "owner@example.com"}).content.decode()
    suspended = staff_client.get(CHANGELIST, {"kind__exact": "suspended"}).content.decode()
    assert "Abuse" in suspended and "owner@example.com" not in suspended


def test_it_is_read_only(staff_client, issued):
    token, _ = issued
    event = token.events.first()
    change = reverse("admin:accounts_tokenevent_change", args=[event.pk])
    page = staff_client.get(change)
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert staff_client.post(change, {"data": '{"text": "rewritten"}'}).status_code == 403
    assert staff_client.get(reverse("admin:accounts_tokenevent_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:accounts_tokenevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event_detail(event) != "rewritten" and event.data == {"automatic": True}
    assert "delete_selected" not in staff_client.get(CHANGELIST).content.decode()


def test_it_shows_each_detail_as_people_read_it_and_finds_events_by_their_values(
    staff_client, issued, developer, staff
):
    token, _ = issued
    token.roll(3600, actor=developer)
    token.change_host("xn--3e0b707e.kr", actor=developer)
    token.suspend("Spam calls", actor=staff)
    page = staff_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "기존 토큰 유예 기간: 1시간" in page and "example.com → 한국.kr (xn--3e0b707e.kr)" in page
    assert "grace_seconds" not in page
    found = staff_client.get(CHANGELIST, {"q": "spam"}).content.decode()
    assert "Spam calls" in found and "grace period" not in found and "한국.kr" not in found
    event = token.events.get(kind="host_changed")
    change = staff_client.get(reverse("admin:accounts_tokenevent_change", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    shown = change.content.decode()
    assert "example.com → 한국.kr (xn--3e0b707e.kr)" in shown and "old_host" not in shown


def test_it_titles_read_only_lists_in_proper_korean(staff_client, issued):
    page = staff_client.get(reverse("admin:accounts_tokenevent_changelist"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "볼 토큰 이벤트 선택" in page and "를(을)" not in page and "보기위한" not in page
    event = issued[0].events.first()
    detail = staff_client.get(reverse("admin:accounts_tokenevent_change", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    assert "토큰 이벤트 보기" in detail.content.decode() and "뷰 " not in detail.content.decode()
