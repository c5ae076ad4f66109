"""POST /tokens/<pk>/rename/."""

from django.urls import reverse

from accounts.templatetags.tokens import event_detail


def url(token):
    return reverse("accounts:token_rename", args=[token.pk])


def test_it_renames_and_audits(owner_client, issued, developer):
    token, _ = issued
    response = owner_client.post(url(token), {"name": "Checkout"}, REMOTE_ADDR="192.0.2.8")
    assert response.url == reverse("accounts:token_detail", args=[token.pk])
    token.refresh_from_db()
    assert token.name == "Checkout"
    event = token.events.get(kind="renamed")
    assert (event.actor, event.ip, event_detail(event)) == (developer, "192.0.2.8", "My site → Checkout")


def test_it_shows_the_error_beside_the_field(owner_client, issued):
    token, _ = issued
    response = owner_client.post(url(token), {"name": "x" * 101})
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    token.refresh_from_db()
    assert token.name == "My site"


def test_it_refuses_a_revoked_token(owner_client, issued):
    token, _ = issued
    token.revoke()
    response = owner_client.post(url(token), {"name": "Zombie"}, follow=True)
    assert "This is not possible while the token is “Revoked”" in response.content.decode()
    token.refresh_from_db()
    assert token.name == "My site"


def test_it_takes_no_get(owner_client, issued):
    token, _ = issued
    assert owner_client.get(url(token)).status_code == 405


def test_it_refuses_a_name_with_a_line_break(owner_client, issued):
    token, _ = issued
    response = owner_client.post(
        reverse("accounts:token_rename", args=[token.pk]), {"name": "Shop\nBcc: x@example.com"}
    )
    assert "no line breaks" in response.content.decode()
    token.refresh_from_db()
    assert token.name == "My site"
