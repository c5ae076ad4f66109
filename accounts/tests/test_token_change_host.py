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
    response = owner_client.post(url(token), {"host": "ftp://www.example.com/"})
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


def test_it_keeps_the_host_of_a_pasted_web_address_and_says_so(owner_client, issued):
    token, _ = issued
    response = owner_client.post(url(token), {"host": "https://www.example.com/path?x=1"}, follow=True)
    token.refresh_from_db()
    assert token.host == "www.example.com"
    page = response.content.decode()
    assert "You entered a web address: the token is bound to its host, www.example.com." in page


def test_it_says_in_korean_that_the_address_was_cut_to_its_host(owner_client, issued):
    token, _ = issued
    response = owner_client.post(
        url(token), {"host": "http://localhost:8000/x"}, follow=True, HTTP_ACCEPT_LANGUAGE="ko"
    )
    token.refresh_from_db()
    assert token.host == "localhost"
    assert "웹 주소를 입력하셨습니다. 토큰은 그 호스트인 localhost에 연결됩니다." in response.content.decode()
