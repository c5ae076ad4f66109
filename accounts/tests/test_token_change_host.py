"""POST /tokens/<pk>/host/."""

from django.urls import reverse

from accounts.models import ApiToken
from accounts.templatetags.tokens import event_detail


def url(token):
    return reverse("accounts:token_change_host", args=[token.pk])


def test_it_moves_the_token_to_the_normalised_host_and_audits(owner_client, issued, developer):
    token, plaintext = issued
    owner_client.post(url(token), {"host": "WWW.Example.com."}, REMOTE_ADDR="192.0.2.8")
    token.refresh_from_db()
    assert token.host == "www.example.com"
    assert list(ApiToken.objects.active().for_host("www.example.com")) == [token]
    assert not token.allows_referer("https://example.com/")
    event = token.events.get(kind="host_changed")
    assert (event.actor, event.ip, event_detail(event)) == (developer, "192.0.2.8", "example.com → www.example.com")


def test_it_explains_a_bad_host_and_changes_nothing(owner_client, issued):
    token, _ = issued
    response = owner_client.post(url(token), {"host": "http://www.example.com/"})
    assert response.status_code == 200
    assert "without http:// or https://" in response.content.decode()
    token.refresh_from_db()
    assert token.host == "example.com"
    assert not token.events.filter(kind="host_changed").exists()


def test_it_sends_an_approved_token_back_for_approval_under_manual_approval(owner_client, issued, settings):
    settings.TOKEN_APPROVAL = "manual"
    token, plaintext = issued
    page = owner_client.get(reverse("accounts:token_detail", args=[token.pk])).content.decode()
    assert "waits for staff approval again" in page
    owner_client.post(url(token), {"host": "other.example.org"})
    token.refresh_from_db()
    assert (token.host, token.state) == ("other.example.org", ApiToken.State.PENDING)
    assert ApiToken.objects.find_active(plaintext) is None
    assert event_detail(token.events.get(kind="host_changed")) == "example.com → other.example.org (awaits approval)"


def test_it_keeps_the_token_active_under_automatic_approval(owner_client, issued, settings):
    settings.TOKEN_APPROVAL = "auto"
    token, plaintext = issued
    owner_client.post(url(token), {"host": "other.example.org"})
    assert ApiToken.objects.find_active(plaintext) == token
