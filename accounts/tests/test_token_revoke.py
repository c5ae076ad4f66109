"""/tokens/<pk>/revoke/: a confirmation page, then POST revokes at once."""

from django.urls import reverse

from accounts.models import ApiToken


def url(token):
    return reverse("accounts:token_revoke", args=[token.pk])


def test_it_asks_before_revoking(owner_client, issued):
    token, plaintext = issued
    page = owner_client.get(url(token)).content.decode()
    assert "Yes, revoke it" in page and 'method="post"' in page
    assert ApiToken.objects.find_active(plaintext) == token


def test_it_revokes_at_once_even_during_a_grace_period(owner_client, issued, developer):
    token, old = issued
    new = token.roll(86400)
    response = owner_client.post(url(token), REMOTE_ADDR="192.0.2.4")
    assert response.url == reverse("accounts:token_detail", args=[token.pk])
    token.refresh_from_db()
    assert token.state == ApiToken.State.REVOKED
    assert ApiToken.objects.find_active(new) is None and ApiToken.objects.find_active(old) is None
    event = token.events.get(kind="revoked")
    assert (event.actor, event.ip) == (developer, "192.0.2.4")


def test_it_has_nothing_to_revoke_twice(owner_client, issued):
    token, _ = issued
    token.revoke()
    assert "there is nothing to revoke" in owner_client.get(url(token)).content.decode()
    response = owner_client.post(url(token), follow=True)
    assert "not possible while the token is “Revoked”" in response.content.decode()
    assert token.events.filter(kind="revoked").count() == 1


def test_it_forgets_a_rolled_out_secret_still_in_its_grace(issued):
    token, plaintext = issued
    token.roll(86400)
    token.revoke()
    token.refresh_from_db()
    assert (token.previous_digest, token.previous_secret_encrypted, token.previous_valid_until) == (None, "", None)
    assert ApiToken.objects.lookup(plaintext) is None
