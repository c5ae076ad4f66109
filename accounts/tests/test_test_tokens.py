"""Test tokens (cbn_test_…): issued active at once, their own cap, their shape, their lifecycle, the developer's
test token (ApiToken.test_token_for, issued on email confirmation), and the token pages' test mode."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts import token_crypto
from accounts.models import ApiToken, TokenLimitReached
from tests.helpers import link_in_mail, secret_on_page

LIST_URL = reverse("accounts:token_list")
APPLY_URL = reverse("accounts:token_apply")
SIGNUP_PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture
def unverified(db):
    user = get_user_model().objects.create_user(username="unverified", email="new@example.com", password="x" * 20)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def test_it_issues_a_test_token_active_at_once_under_manual_approval(developer, settings):
    settings.TOKEN_APPROVAL = "manual"

    token, plaintext = ApiToken.issue(developer, "Test", "localhost", test=True)
    live, _ = ApiToken.issue(developer, "Shop", "shop.example")

    token.refresh_from_db()
    assert (token.is_test, token.state, token.is_active) == (True, ApiToken.State.ACTIVE, True)
    assert live.state == ApiToken.State.PENDING
    assert ApiToken.objects.lookup(plaintext) == token


def test_it_shapes_a_test_token_as_the_seeds_aes_key_with_its_own_prefix(developer):
    token, plaintext = ApiToken.issue(developer, "Test", "localhost", test=True)

    assert re.fullmatch(r"cbn_test_[A-Za-z0-9]{23}", plaintext)
    assert len(plaintext) == 32
    assert token_crypto.looks_like_token(plaintext)
    assert token.masked == f"cbn_test…{plaintext[-4:]}"
    assert plaintext not in str(token)


def test_it_counts_test_tokens_toward_their_own_cap_apart_from_live_ones(developer, settings):
    settings.TEST_TOKENS_PER_DEVELOPER, settings.TOKENS_PER_DEVELOPER = 2, 1
    ApiToken.issue(developer, "Shop", "shop.example")
    ApiToken.issue(developer, "Test 1", "localhost", test=True)
    ApiToken.issue(developer, "Test 2", "localhost", test=True)

    with pytest.raises(TokenLimitReached):
        ApiToken.issue(developer, "Test 3", "localhost", test=True)
    with pytest.raises(TokenLimitReached):
        ApiToken.issue(developer, "Blog", "blog.example")
    assert (ApiToken.objects.live().count(), ApiToken.objects.test().count()) == (1, 2)


def test_it_keeps_a_rolled_test_token_a_test_token(developer):
    token, old = ApiToken.issue(developer, "Test", "localhost", test=True)

    new = token.roll(grace_seconds=0, actor=developer)

    token.refresh_from_db()
    assert new.startswith("cbn_test_") and len(new) == 32 and new != old
    assert (token.is_test, token.masked) == (True, f"cbn_test…{new[-4:]}")
    assert ApiToken.objects.lookup(new) == token


def test_it_keeps_a_test_token_active_when_its_host_changes_under_manual_approval(developer, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, _ = ApiToken.issue(developer, "Test", "localhost", test=True)

    token.change_host("test.example", actor=developer)

    token.refresh_from_db()
    assert (token.host, token.state) == ("test.example", ApiToken.State.ACTIVE)
    assert token.events.get(kind="host_changed").data["awaits_approval"] is False


def test_it_issues_a_verified_developer_one_test_token_and_returns_it_after(developer):
    token = ApiToken.test_token_for(developer)

    assert (token.owner, token.is_test, token.state) == (developer, True, ApiToken.State.ACTIVE)
    assert ApiToken.test_token_for(developer) == token
    assert ApiToken.objects.test().count() == 1


def test_it_issues_no_test_token_to_an_unverified_developer(unverified):
    assert ApiToken.test_token_for(unverified) is None
    assert not ApiToken.objects.exists()


def test_it_issues_a_test_token_when_the_email_address_is_confirmed(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "new@dev.example", "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD},
    )
    assert not ApiToken.objects.exists()
    confirm_url = link_in_mail(mail.outbox, "new@dev.example", r"https?://\S+/accounts/confirm-email/\S+/")

    assert client.post(confirm_url).status_code == 302

    token = ApiToken.objects.get()
    assert (token.owner.email, token.is_test, token.state) == ("new@dev.example", True, ApiToken.State.ACTIVE)


def test_it_lists_only_test_tokens_in_test_mode_and_issues_one_at_once(owner_client, developer, outsider, issued):
    live, _ = issued
    theirs = ApiToken.test_token_for(outsider)

    page = owner_client.get(LIST_URL, {"mode": "test"}).content.decode()

    mine = ApiToken.objects.for_owner(developer).test().get()
    assert mine.state == ApiToken.State.ACTIVE
    assert mine.masked in page
    assert live.masked not in page and theirs.masked not in page
    assert f'href="{APPLY_URL}?mode=test"' in page


def test_it_lists_only_live_tokens_in_live_mode(owner_client, developer, issued):
    live, _ = issued
    test = ApiToken.test_token_for(developer)

    page = owner_client.get(LIST_URL).content.decode()

    assert live.masked in page and test.masked not in page
    assert "1 of at most 10 tokens" in page
    assert ApiToken.objects.test().count() == 1  # the live tab issues none


def test_it_shows_an_unverified_developer_test_mode_without_issuing(client, unverified):
    client.force_login(unverified)

    assert client.get(LIST_URL, {"mode": "test"}).status_code == 200
    assert not ApiToken.objects.exists()


def test_it_applies_for_a_test_token_active_at_once_under_manual_approval(owner_client, developer, settings):
    settings.TOKEN_APPROVAL = "manual"

    response = owner_client.post(f"{APPLY_URL}?mode=test", {"name": "CI", "host": "ci.example"})

    token = ApiToken.objects.get()
    assert response.url == reverse("accounts:token_issued", args=[token.pk])
    assert (token.is_test, token.state, token.host) == (True, ApiToken.State.ACTIVE, "ci.example")
    plaintext = secret_on_page(owner_client.get(response.url))
    assert plaintext.startswith("cbn_test_") and token.accepts(plaintext)
    assert not mail.outbox  # staff are not asked to approve it


def test_it_keeps_test_mode_in_the_form_the_apply_page_renders(owner_client, developer):
    page = owner_client.get(APPLY_URL, {"mode": "test"}).content.decode()
    assert '<input type="hidden" name="mode" value="test">' in page
    assert 'value="localhost"' in page

    owner_client.post(APPLY_URL, {"mode": "test", "name": "CI", "host": "localhost"})

    assert ApiToken.objects.get().is_test


def test_it_applies_for_a_live_token_without_the_mode(owner_client, developer):
    page = owner_client.get(APPLY_URL).content.decode()
    assert 'name="mode"' not in page

    owner_client.post(APPLY_URL, {"name": "Shop", "host": "shop.example"})

    assert not ApiToken.objects.get().is_test


def test_it_refuses_a_test_token_over_the_test_cap_with_a_form_error(owner_client, developer, settings):
    settings.TEST_TOKENS_PER_DEVELOPER = 1
    ApiToken.issue(developer, "Test", "localhost", test=True)

    response = owner_client.post(f"{APPLY_URL}?mode=test", {"name": "CI", "host": "ci.example"})

    assert response.status_code == 200
    assert "You already have 1 tokens" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_it_hides_another_developers_test_token(outsider_client, developer):
    token = ApiToken.test_token_for(developer)

    assert outsider_client.get(reverse("accounts:token_detail", args=[token.pk])).status_code == 404
