"""TokenEvent: the append-only audit log."""

import pytest

from accounts.models import TokenEvent


def test_it_cannot_be_changed_or_deleted_once_written(issued):
    token, plaintext = issued
    event = token.events.first()
    event.detail = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        TokenEvent.objects.filter(token=token).update(detail="rewritten")
    with pytest.raises(TypeError):
        TokenEvent.objects.filter(token=token).delete()
    assert TokenEvent.objects.filter(token=token).count() == 2
    assert "rewritten" not in TokenEvent.objects.values_list("detail", flat=True)


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
