"""The audit log in the admin: staff read and search it, nobody writes to it."""

import pytest
from django.urls import reverse

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
    assert staff_client.post(change, {"detail": "rewritten"}).status_code == 403
    assert staff_client.get(reverse("admin:accounts_tokenevent_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:accounts_tokenevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.detail != "rewritten"
    assert "delete_selected" not in staff_client.get(CHANGELIST).content.decode()
