"""ApiToken: issue, lookup and the lifecycle, each state change audited."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from accounts.models import ApiToken, TokenLimitReached, TokenStateError
from accounts.templatetags.tokens import event_detail


def kinds(token):
    return list(token.events.order_by("created_at", "id").values_list("kind", flat=True))


def test_it_issues_an_active_token_and_returns_the_plaintext_once(developer):
    token, plaintext = ApiToken.issue(developer, "Shop", "shop.example", actor=developer, ip="192.0.2.1")
    assert token.state == ApiToken.State.ACTIVE and token.is_active
    assert plaintext.startswith("cbn_") and len(plaintext) == 32
    assert token.secret == plaintext
    assert token.masked == f"cbn_…{plaintext[-4:]}"
    assert plaintext not in str(token) and plaintext not in repr(token)
    assert kinds(token) == ["issued", "approved"]
    issued = token.events.get(kind="issued")
    assert (issued.actor, issued.ip, event_detail(issued)) == (developer, "192.0.2.1", "shop.example · Websites")


@override_settings(TOKEN_APPROVAL="manual")
def test_it_issues_pending_tokens_when_staff_approve_by_hand(developer, staff):
    token, plaintext = ApiToken.issue(developer, "Shop", "shop.example")
    assert token.state == ApiToken.State.PENDING
    assert ApiToken.objects.find_active(plaintext) is None
    token.approve(actor=staff, ip="198.51.100.7")
    assert ApiToken.objects.find_active(plaintext) == token
    assert kinds(token) == ["issued", "approved"]
    assert token.events.get(kind="approved").actor == staff


@override_settings(TOKENS_PER_DEVELOPER=2)
def test_it_caps_the_tokens_of_a_developer_not_counting_revoked_ones(developer):
    first, _ = ApiToken.issue(developer, "One", "one.example")
    ApiToken.issue(developer, "Two", "two.example")
    with pytest.raises(TokenLimitReached):
        ApiToken.issue(developer, "Three", "three.example")
    first.revoke()
    ApiToken.issue(developer, "Three", "three.example")
    assert ApiToken.objects.for_owner(developer).count() == 3


def test_it_finds_tokens_by_value_host_and_owner(issued, developer, outsider):
    token, plaintext = issued
    other, _ = ApiToken.issue(outsider, "Wild", "*.example.com")
    assert ApiToken.objects.lookup(plaintext) == token
    assert ApiToken.objects.lookup("cbn_" + "x" * 28) is None
    assert ApiToken.objects.lookup("") is None
    assert ApiToken.objects.find_active(plaintext) == token
    assert set(ApiToken.objects.active().for_host("example.com")) == {token, other}
    assert list(ApiToken.objects.active().for_host("www.example.com")) == [other]
    assert list(ApiToken.objects.for_owner(developer)) == [token]


def test_it_allows_referers_of_its_host_only(issued):
    token, _ = issued
    assert token.allows_referer("https://example.com/checkout")
    assert token.allows_referer("http://EXAMPLE.com:8080/")
    assert not token.allows_referer("https://www.example.com/")
    assert not token.allows_referer("https://example.com.evil.test/")
    assert not token.allows_referer("")
    assert token.allows_host("example.com")


def test_it_rejects_a_pending_token_with_a_reason(developer, staff, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, plaintext = ApiToken.issue(developer, "Shop", "shop.example")
    token.reject("Not a real website", actor=staff, ip="198.51.100.7")
    assert token.state == ApiToken.State.REJECTED and token.state_reason == "Not a real website"
    assert ApiToken.objects.find_active(plaintext) is None
    event = token.events.get(kind="rejected")
    assert (event.actor, event.ip, event_detail(event)) == (staff, "198.51.100.7", "Not a real website")
    with pytest.raises(TokenStateError):
        token.approve()


def test_it_suspends_and_reactivates(issued, staff):
    token, plaintext = issued
    token.suspend("Abuse", actor=staff)
    assert token.effective_state == ApiToken.State.SUSPENDED
    assert ApiToken.objects.find_active(plaintext) is None
    token.reactivate(actor=staff)
    assert token.state_reason == ""
    assert ApiToken.objects.find_active(plaintext) == token
    assert kinds(token)[-2:] == ["suspended", "reactivated"]


def test_it_revokes_at_once_and_for_good(issued, developer):
    token, plaintext = issued
    token.revoke(actor=developer)
    assert ApiToken.objects.find_active(plaintext) is None
    for change in (token.approve, token.reactivate, token.revoke, lambda: token.roll(0)):
        with pytest.raises(TokenStateError):
            change()
    for change in (lambda: token.rename("x"), lambda: token.change_host("x.example"), lambda: token.reveal(developer)):
        with pytest.raises(TokenStateError):
            change()
    assert kinds(token)[-1] == "revoked"


def test_it_refuses_transitions_that_do_not_fit_the_state(issued):
    token, _ = issued
    with pytest.raises(TokenStateError):
        token.approve()
    with pytest.raises(TokenStateError):
        token.reactivate()
    with pytest.raises(TokenStateError):
        token.reject("late")
    assert kinds(token) == ["issued", "approved"]


def test_it_rolls_without_grace_so_the_old_secret_stops_at_once(issued, developer):
    token, old = issued
    new = token.roll(0, actor=developer)
    assert new != old and token.accepts(new) and not token.accepts(old)
    assert ApiToken.objects.find_active(old) is None
    assert ApiToken.objects.find_active(new) == token
    assert token.accepted_secrets() == [new]
    assert event_detail(token.events.get(kind="rolled")) == "the old token stopped working at once"


@pytest.mark.parametrize("grace", [3600, 86400, 604800])
def test_it_rolls_with_grace_so_the_old_secret_works_until_it_ends(issued, grace):
    token, old = issued
    before = timezone.now()
    new = token.roll(grace)
    assert before + timedelta(seconds=grace) <= token.previous_valid_until <= timezone.now() + timedelta(seconds=grace)
    assert ApiToken.objects.find_active(old) == token
    assert ApiToken.objects.lookup(old).matched_previous
    assert token.accepted_secrets() == [new, old]

    # The grace period ends: move its end into the past rather than wait.
    ApiToken.objects.filter(pk=token.pk).update(previous_valid_until=timezone.now() - timedelta(seconds=1))
    token.refresh_from_db()
    assert ApiToken.objects.find_active(old) is None
    assert ApiToken.objects.find_active(new) == token
    assert token.accepted_secrets() == [new]


def test_it_rolls_only_active_tokens(issued):
    token, _ = issued
    token.suspend()
    with pytest.raises(TokenStateError):
        token.roll(3600)


def test_it_expires(issued):
    token, plaintext = issued
    token.expires_at = timezone.now() - timedelta(minutes=1)
    token.save()
    assert token.effective_state == ApiToken.State.EXPIRED
    assert ApiToken.objects.find_active(plaintext) is None
    assert token not in ApiToken.objects.active()


def test_it_renames_and_changes_host_with_an_audit_entry_each(issued, developer):
    token, _ = issued
    token.rename("Checkout", actor=developer, ip="192.0.2.9")
    token.change_host("*.example.com", actor=developer, ip="192.0.2.9")
    token.rename("Checkout")  # unchanged: nothing recorded
    token.refresh_from_db()
    assert (token.name, token.host) == ("Checkout", "*.example.com")
    assert [event_detail(e) for e in token.events.filter(kind__in=["renamed", "host_changed"])] == [
        "example.com → *.example.com",
        "My site → Checkout",
    ]


def test_it_audits_every_reveal(issued, developer):
    token, plaintext = issued
    assert token.reveal(developer, ip="192.0.2.3") == plaintext
    event = token.events.get(kind="revealed")
    assert (event.actor, event.ip) == (developer, "192.0.2.3")
    assert plaintext not in event_detail(event) and plaintext not in str(event.data)


def test_it_records_use_at_most_once_a_window(issued):
    token, _ = issued
    cache.clear()
    token.record_use("203.0.113.5")
    token.record_use("203.0.113.6")
    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.5" and token.last_used_at is not None


def test_it_uses_the_site_rate_limit_unless_staff_set_one(issued, settings):
    token, _ = issued
    assert token.rate_limit() == settings.API_RATE_LIMIT_PER_MINUTE
    token.rate_limit_per_minute = 5
    assert token.rate_limit() == 5
