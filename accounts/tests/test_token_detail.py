"""/tokens/<pk>/: one token, its actions and its activity."""

from django.urls import reverse

from accounts.models import ApiToken


def url(token):
    return reverse("accounts:token_detail", args=[token.pk])


def test_it_shows_the_token_masked_with_its_activity(owner_client, issued, developer, staff):
    token, plaintext = issued
    token.suspend("Checking", actor=staff, ip="198.51.100.1")
    token.reactivate(actor=staff, ip="198.51.100.1")
    token.rename("Renamed", actor=developer, ip="192.0.2.5")
    page = owner_client.get(url(token)).content.decode()
    assert token.masked in page and plaintext not in page
    assert "example.com" in page
    for label in ("Issued", "Approved", "Suspended", "Reactivated", "Renamed"):
        assert label in page
    assert "My site → Renamed" in page and "192.0.2.5" in page
    # Staff act anonymously and their address stays with us.
    assert "CallbackNow staff" in page
    assert staff.email not in page and "198.51.100.1" not in page
    for name in ("token_reveal", "token_roll", "token_rename", "token_change_host", "token_revoke"):
        assert reverse(f"accounts:{name}", args=[token.pk]) in page


def test_it_offers_nothing_but_the_record_for_a_revoked_token(owner_client, issued):
    token, _ = issued
    token.revoke()
    page = owner_client.get(url(token)).content.decode()
    assert "badge-revoked" in page
    for name in ("token_reveal", "token_roll", "token_rename", "token_change_host", "token_revoke"):
        assert reverse(f"accounts:{name}", args=[token.pk]) not in page


def test_it_shows_the_rejection_reason(owner_client, developer, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, _ = ApiToken.issue(developer, "Shop", "shop.example")
    token.reject("We could not reach shop.example")
    page = owner_client.get(url(token)).content.decode()
    assert "badge-rejected" in page and "We could not reach shop.example" in page


def test_it_shows_only_the_events_of_this_token(owner_client, issued, developer):
    token, _ = issued
    other, _ = ApiToken.issue(developer, "Other", "other.example")
    other.rename("Other renamed")
    page = owner_client.get(url(token)).content.decode()
    assert "Other renamed" not in page


def test_it_is_not_found_for_an_outsider(outsider_client, issued):
    token, _ = issued
    assert outsider_client.get(url(token)).status_code == 404
    assert outsider_client.get(reverse("accounts:token_detail", args=[9999])).status_code == 404


def test_it_tells_the_developer_of_a_suspended_token_what_it_means_and_whom_to_contact(
    owner_client, issued, staff, settings
):
    settings.SUPPORT_EMAIL = "Help <help@callbacknow.test>"
    token, _ = issued
    token.suspend("", actor=staff)
    page = owner_client.get(url(token)).content.decode()
    assert "every request made with it is refused" in page
    assert "No reason was given." in page
    assert 'href="mailto:help@callbacknow.test"' in page


def test_it_falls_back_to_support_at_the_portal_s_domain_for_contact(owner_client, issued, staff, settings):
    """Not the sender's address itself: that is often no-reply@."""
    settings.DEFAULT_FROM_EMAIL = "CallbackNow <no-reply@callbacknow.test>"
    settings.SUPPORT_EMAIL = ""
    token, _ = issued
    token.suspend("Too many requests", actor=staff)
    page = owner_client.get(url(token), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "mailto:support@callbacknow.test" in page and "Too many requests" in page
    assert "no-reply@" not in page
    settings.SITE_URL = "https://www.developers.example.com"
    assert "mailto:support@developers.example.com" in owner_client.get(url(token)).content.decode()
    assert "No reason was given." not in page


def test_it_offers_to_apply_again_after_a_rejection(owner_client, developer, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, _ = ApiToken.issue(developer, "Shop", "shop.example")
    token.reject("")
    page = owner_client.get(url(token)).content.decode()
    assert f'href="{reverse("accounts:token_apply")}"' in page and "Apply again" in page
    assert "No reason was given." in page
