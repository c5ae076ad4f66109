"""TokenEvent: the append-only audit log."""

import pytest

from accounts.models import ApiToken, TokenEvent
from accounts.templatetags.tokens import event_detail


def test_it_cannot_be_changed_or_deleted_once_written(issued):
    token, plaintext = issued
    event = token.events.get(kind="issued")
    event.data = {"host": "rewritten.example"}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        TokenEvent.objects.filter(token=token).update(data={"host": "rewritten.example"})
    with pytest.raises(TypeError):
        TokenEvent.objects.filter(token=token).delete()
    assert TokenEvent.objects.filter(token=token).count() == 2
    assert [event_detail(e) for e in TokenEvent.objects.filter(token=token)] == [
        "automatically",
        "example.com · Websites",
    ]


def test_it_names_the_actor_or_the_system_and_never_holds_the_secret(issued, developer):
    token, plaintext = issued
    issued_event = token.events.get(kind="issued")
    approved_event = token.events.get(kind="approved")
    assert issued_event.actor_label == developer.email
    assert approved_event.actor is None and approved_event.actor_label == "system"
    assert plaintext not in str(issued_event)
    assert str(issued_event).startswith("Issued")


def test_it_keeps_the_log_when_the_token_is_revoked(issued):
    token, _ = issued
    token.revoke()
    assert list(token.events.values_list("kind", flat=True))[0] == "revoked"
    assert token.events.count() == 3


def test_it_keeps_each_kind_s_values_by_name_and_refuses_others(issued, developer, staff, settings):
    token, _ = issued
    token.roll(3600, actor=developer)
    token.suspend("Abuse", actor=staff)
    token.reactivate(actor=staff)
    token.rename("Checkout", actor=developer)
    settings.TOKEN_APPROVAL = "manual"
    token.change_host("shop.example", actor=developer)
    token.reveal(developer)
    assert list(token.events.order_by("id").values_list("kind", "data")) == [
        ("issued", {"host": "example.com", "restriction": "websites"}),
        ("approved", {"automatic": True}),
        ("rolled", {"grace_seconds": 3600}),
        ("suspended", {"reason": "Abuse"}),
        ("reactivated", {}),
        ("renamed", {"old_name": "My site", "new_name": "Checkout"}),
        ("host_changed", {"old_host": "example.com", "new_host": "shop.example", "awaits_approval": True}),
        ("revealed", {}),
    ]
    with pytest.raises(TypeError):
        TokenEvent.record(token, TokenEvent.Kind.REVOKED, staff, reason="a sentence where none belongs")
    with pytest.raises(TypeError):
        TokenEvent.record(token, TokenEvent.Kind.ROLLED, developer, grace="1 hour")
    assert token.events.count() == 8


def test_it_records_a_staff_approval_with_no_values(developer, staff, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, _ = ApiToken.issue(developer, "Shop", "shop.example")
    token.approve(actor=staff)
    assert token.events.get(kind="approved").data == {}
