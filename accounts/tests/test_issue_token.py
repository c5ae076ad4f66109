"""manage.py issue_token EMAIL HOST [--name NAME] [--servers ADDRESSES]."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts import token_crypto
from accounts.models import ApiToken


def issue_token(*args):
    out, err = StringIO(), StringIO()
    call_command("issue_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_only_the_token_for_an_existing_developer(developer):
    out, _ = issue_token("OWNER@example.com", "Shop.Example.com", "--name", "Shop")
    plaintext = out.strip()
    assert out == plaintext + "\n" and token_crypto.looks_like_token(plaintext)
    token = ApiToken.objects.find_active(plaintext)
    assert (token.owner, token.name, token.host) == (developer, "Shop", "shop.example.com")
    assert get_user_model().objects.count() == 1


def test_it_creates_a_verified_developer_without_a_usable_password(db):
    out, _ = issue_token("script@ops.example", "localhost")
    token = ApiToken.objects.find_active(out.strip())
    user = token.owner
    assert user.email == "script@ops.example" and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert token.name == "localhost"
    assert user.username


def test_it_issues_an_active_token_even_when_staff_approve_by_hand(developer, settings):
    settings.TOKEN_APPROVAL = "manual"
    out, _ = issue_token("owner@example.com", "example.com")
    assert ApiToken.objects.find_active(out.strip()) is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["owner@example.com", "https://example.com"], "without http"),
        (["owner@example.com", "example.com:80"], "port"),
        (["not-an-email", "example.com"], "is not an email address"),
    ],
)
def test_it_refuses_bad_input_clearly_and_creates_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        issue_token(*args)
    assert not ApiToken.objects.exists() and not get_user_model().objects.exists()


def test_it_respects_the_cap(developer, settings):
    settings.TOKENS_PER_DEVELOPER = 1
    issue_token("owner@example.com", "one.example")
    with pytest.raises(CommandError, match="most tokens"):
        issue_token("owner@example.com", "two.example")
    assert ApiToken.objects.count() == 1


def test_it_restricts_the_token_to_websites_by_default(developer):
    out, _ = issue_token("owner@example.com", "example.com")
    token = ApiToken.objects.find_active(out.strip())
    token.refresh_from_db()
    assert (token.restriction, token.allowed_addresses) == ("websites", [])


def test_it_restricts_the_token_to_servers_with_their_addresses(developer):
    out, _ = issue_token("owner@example.com", "example.com", "--servers", "203.0.113.7, 2001:DB8::/48,203.0.113.7")
    token = ApiToken.objects.find_active(out.strip())
    token.refresh_from_db()
    assert token.restriction == "servers"
    assert token.allowed_addresses == ["203.0.113.7/32", "2001:db8::/48"]
    assert token.events.get(kind="issued").data["addresses"] == ["203.0.113.7/32", "2001:db8::/48"]


@pytest.mark.parametrize(
    ("servers", "message"),
    [("203.0.113.300", "“203.0.113.300” is not an IP address"), (" , ", "at least one"), ("example.com", "not an IP")],
)
def test_it_refuses_bad_server_addresses_and_creates_nothing(db, servers, message):
    with pytest.raises(CommandError, match=message):
        issue_token("owner@example.com", "example.com", "--servers", servers)
    assert not ApiToken.objects.exists() and not get_user_model().objects.exists()
