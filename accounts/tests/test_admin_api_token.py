"""The API token admin: search, filter, state changes one by one and in bulk, edits; never the secret."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import ApiToken
from accounts.templatetags.tokens import event_detail

CHANGELIST = reverse("admin:accounts_apitoken_changelist")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def change_url(token):
    return reverse("admin:accounts_apitoken_change", args=[token.pk])


def bulk(client, action, tokens, **extra):
    """What the change list's action bar posts."""
    data = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [t.pk for t in tokens], **extra}
    return client.post(CHANGELIST, data, REMOTE_ADDR="198.51.100.20")


def button(client, action, token):
    """What a state button on a token's own admin page posts."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [token.pk], "_single": "1"}
    return client.post(CHANGELIST, data, REMOTE_ADDR="198.51.100.20")


@pytest.fixture
def pending(developer, outsider, settings):
    settings.TOKEN_APPROVAL = "manual"
    return [ApiToken.issue(developer, "Shop", "shop.example")[0], ApiToken.issue(outsider, "Blog", "blog.example")[0]]


def assert_audited(token, kind, staff):
    event = token.events.filter(kind=kind).latest("id")
    assert (event.actor, event.ip) == (staff, "198.51.100.20")
    return event


def test_it_approves_in_bulk_and_audits_with_the_staff_member(staff_client, staff, pending):
    response = bulk(staff_client, "approve", pending)
    assert response.status_code == 302
    for token in pending:
        token.refresh_from_db()
        assert token.state == ApiToken.State.ACTIVE
        assert_audited(token, "approved", staff)


def test_it_approves_one_from_its_page_and_returns_there(staff_client, staff, pending):
    token = pending[0]
    page = staff_client.get(change_url(token)).content.decode()
    assert 'value="approve"' in page and 'value="reject"' in page and 'value="suspend"' not in page
    response = button(staff_client, "approve", token)
    assert response.url == change_url(token)
    token.refresh_from_db()
    assert token.state == ApiToken.State.ACTIVE
    assert pending[1].state == ApiToken.State.PENDING


def test_it_asks_for_a_reason_before_rejecting(staff_client, staff, pending):
    page = bulk(staff_client, "reject", pending)
    assert page.status_code == 200
    assert "Reason" in page.content.decode() and 'name="apply_reason"' in page.content.decode()
    assert ApiToken.objects.filter(state="pending").count() == 2

    missing = bulk(staff_client, "reject", pending, apply_reason="1", reason=" ")
    assert "This field is required." in missing.content.decode()
    assert ApiToken.objects.filter(state="pending").count() == 2

    done = bulk(staff_client, "reject", pending, apply_reason="1", reason="No such website")
    assert done.status_code == 302
    for token in pending:
        token.refresh_from_db()
        assert (token.state, token.state_reason) == ("rejected", "No such website")
        assert event_detail(assert_audited(token, "rejected", staff)) == "No such website"


def test_it_rejects_one_from_its_page_with_a_reason(staff_client, staff, pending):
    token = pending[0]
    page = button(staff_client, "reject", token)
    assert 'name="_single"' in page.content.decode()
    response = staff_client.post(
        CHANGELIST,
        {"action": "reject", ACTION_CHECKBOX_NAME: [token.pk], "_single": "1", "apply_reason": "1", "reason": "Spam"},
    )
    assert response.url == change_url(token)
    token.refresh_from_db()
    assert (token.state, token.state_reason) == ("rejected", "Spam")


def test_it_suspends_with_an_optional_reason_and_reactivates(staff_client, staff, issued):
    token, plaintext = issued
    bulk(staff_client, "suspend", [token], apply_reason="1", reason="")
    token.refresh_from_db()
    assert token.state == "suspended" and ApiToken.objects.find_active(plaintext) is None
    assert_audited(token, "suspended", staff)
    assert 'value="reactivate"' in staff_client.get(change_url(token)).content.decode()
    button(staff_client, "reactivate", token)
    token.refresh_from_db()
    assert token.state == "active" and ApiToken.objects.find_active(plaintext) == token
    assert_audited(token, "reactivated", staff)


def test_it_revokes_one_and_many(staff_client, staff, issued, outsider):
    token, _ = issued
    other, _ = ApiToken.issue(outsider, "Blog", "blog.example")
    third, _ = ApiToken.issue(outsider, "Wiki", "wiki.example")
    button(staff_client, "revoke", token)
    bulk(staff_client, "revoke", [other, third])
    for each in (token, other, third):
        each.refresh_from_db()
        assert each.state == "revoked"
        assert_audited(each, "revoked", staff)


def test_it_skips_tokens_whose_state_does_not_allow_the_action(staff_client, issued, pending):
    token, _ = issued
    response = staff_client.post(
        CHANGELIST,
        {"action": "approve", "index": 0, ACTION_CHECKBOX_NAME: [token.pk, pending[0].pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 token(s) approved." in page and "1 token(s) skipped" in page
    assert token.events.filter(kind="approved").count() == 1  # only the automatic one


def test_it_searches_by_email_host_name_last4_masked_and_whole_token(staff_client, issued, outsider):
    token, plaintext = issued
    other, other_plaintext = ApiToken.issue(outsider, "Blog", "blog.example")
    for term in ["owner@example.com", "My site", plaintext[-4:], token.masked, plaintext]:
        page = staff_client.get(CHANGELIST, {"q": term}).content.decode()
        assert change_url(token) in page, term
        assert change_url(other) not in page, term
    for term in ["blog.example", "cbn_..." + other_plaintext[-4:]]:
        page = staff_client.get(CHANGELIST, {"q": term}).content.decode()
        assert change_url(other) in page and change_url(token) not in page, term


def test_it_finds_a_test_token_by_its_masked_form_or_whole_value(staff_client, issued, developer):
    live, _ = issued
    test, plaintext = ApiToken.issue(developer, "Test", "example.com", test=True)
    for term in [test.masked, "cbn_test..." + plaintext[-4:], plaintext]:
        page = staff_client.get(CHANGELIST, {"q": term}).content.decode()
        assert change_url(test) in page and change_url(live) not in page, term


def test_it_finds_a_rolled_token_by_its_previous_secret(staff_client, issued):
    token, old = issued
    token.roll(3600)
    assert change_url(token) in staff_client.get(CHANGELIST, {"q": old}).content.decode()


def test_it_filters_by_state_including_expired(staff_client, issued, outsider):
    from datetime import timedelta

    from django.utils import timezone

    token, _ = issued
    expired, _ = ApiToken.issue(outsider, "Old", "old.example")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    active_page = staff_client.get(CHANGELIST, {"state": "active"}).content.decode()
    assert change_url(token) in active_page and change_url(expired) not in active_page
    expired_page = staff_client.get(CHANGELIST, {"state": "expired"}).content.decode()
    assert change_url(expired) in expired_page and change_url(token) not in expired_page


def test_it_never_shows_the_secret(staff_client, issued):
    token, plaintext = issued
    token.roll(3600)
    token.refresh_from_db()
    for url in (
        CHANGELIST,
        change_url(token),
        reverse("admin:accounts_tokenevent_changelist"),
        reverse("admin:auth_user_change", args=[token.owner_id]),
    ):
        page = staff_client.get(url).content.decode()
        assert token.secret not in page and plaintext not in page
        assert token.secret_encrypted not in page and token.digest not in page
        assert token.previous_digest not in page


def test_it_edits_name_and_host_through_the_audited_domain_methods(staff_client, staff, issued):
    token, _ = issued
    form = {
        "name": "Renamed by staff",
        "host": "*.Example.COM",
        "rate_limit_per_minute": "5",
        "expires_at_0": "",
        "expires_at_1": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = staff_client.post(change_url(token), form, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302, response.content.decode()[:2000]
    token.refresh_from_db()
    assert (token.name, token.host, token.rate_limit()) == ("Renamed by staff", "*.example.com", 5)
    assert event_detail(assert_audited(token, "renamed", staff)) == "My site → Renamed by staff"
    assert event_detail(assert_audited(token, "host_changed", staff)) == "example.com → *.example.com"


def test_it_refuses_an_invalid_host(staff_client, issued):
    token, _ = issued
    form = {
        "name": "My site",
        "host": "https://exa mple.com/x",
        "rate_limit_per_minute": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = staff_client.post(change_url(token), form)
    assert response.status_code == 200
    assert "cannot contain spaces" in response.content.decode()
    token.refresh_from_db()
    assert token.host == "example.com"


def test_it_neither_adds_nor_deletes_tokens(staff_client, issued):
    token, _ = issued
    assert staff_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert staff_client.get(reverse("admin:accounts_apitoken_delete", args=[token.pk])).status_code == 403
    assert "delete_selected" not in staff_client.get(CHANGELIST).content.decode()


def test_it_keeps_developers_out(owner_client, issued):
    token, _ = issued
    response = owner_client.get(change_url(token))
    assert response.status_code in (302, 403)
    response = owner_client.post(CHANGELIST, {"action": "revoke", "index": 0, ACTION_CHECKBOX_NAME: [token.pk]})
    token.refresh_from_db()
    assert token.state == "active"


def test_it_lists_a_developers_tokens_on_their_user_page(staff_client, issued):
    token, plaintext = issued
    page = staff_client.get(reverse("admin:auth_user_change", args=[token.owner_id])).content.decode()
    assert token.masked in page and change_url(token) in page and plaintext not in page


def change_form(token, **values):
    form = {
        "name": token.name,
        "host": token.host,
        "rate_limit_per_minute": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    form.update(values)
    return form


def test_it_logs_and_mails_a_staff_change_of_the_rate_limit(staff_client, issued, staff, developer, mailoutbox):
    token, _ = issued
    staff_client.post(change_url(token), change_form(token, rate_limit_per_minute="5"))
    token.refresh_from_db()
    assert token.rate_limit() == 5
    event = token.events.get(kind="limit_changed")
    assert (event.actor, event.data) == (staff, {"new_limit": 5})
    assert event_detail(event) == "the site default → 5 requests a minute"
    [sent] = mailoutbox
    assert sent.to == [developer.email]
    assert "to 5 requests a minute" in sent.body and "분당 5회" in sent.body
    assert "a new rate limit" in sent.subject and "새 요청 한도" in sent.subject
    page = staff_client.get(reverse("accounts:token_detail", args=[token.pk]))  # staff is not the owner: 404
    assert page.status_code == 404

    staff_client.post(change_url(token), change_form(token, rate_limit_per_minute=""))
    assert token.events.filter(kind="limit_changed").count() == 2
    assert "the site’s rate limit again" in mailoutbox[-1].body


def test_it_neither_logs_nor_mails_a_save_that_keeps_the_rate_limit(staff_client, issued, mailoutbox):
    token, _ = issued
    staff_client.post(change_url(token), change_form(token, name="Renamed"))
    assert not token.events.filter(kind="limit_changed").exists() and mailoutbox == []


def test_it_lists_tokens_in_few_columns_in_korean(staff_client, issued):
    token, _ = issued
    page = staff_client.get(reverse("admin:accounts_apitoken_changelist"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>\s*(?:<div class="text">)?(?:<a [^>]*>|<span>)([^<]*)<', page)
    assert [h for h in headers if h.strip()] == ["이름", "소유자", "호스트", "상태", "마지막 사용"]
    assert f'<code class="masked-token">{token.masked}</code>' in page
