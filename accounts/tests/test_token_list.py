"""/tokens/: the developer's tokens."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken

URL = reverse("accounts:token_list")


def test_it_lists_own_tokens_masked_with_state_reason_and_last_use(owner_client, developer, outsider, staff):
    active, active_secret = ApiToken.issue(developer, "Shop", "shop.example")
    suspended, _ = ApiToken.issue(developer, "Blog", "blog.example")
    suspended.suspend("Too many failed requests", actor=staff)
    ApiToken.objects.filter(pk=active.pk).update(last_used_at=timezone.now(), last_used_ip="203.0.113.9")
    foreign, _ = ApiToken.issue(outsider, "Foreign", "foreign.example")

    page = owner_client.get(URL).content.decode()
    assert "Shop" in page and "shop.example" in page and active.masked in page
    assert active_secret not in page
    assert "badge-active" in page and "badge-suspended" in page
    assert "Too many failed requests" in page
    assert "203.0.113.9" in page
    assert reverse("accounts:token_detail", args=[active.pk]) in page
    assert "Foreign" not in page and foreign.masked not in page
    assert "2 of at most 10 tokens" in page


def test_it_shows_expired_tokens_as_expired(owner_client, issued):
    token, _ = issued
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert "badge-expired" in owner_client.get(URL).content.decode()


def test_it_hides_the_apply_button_at_the_cap(owner_client, issued, settings):
    settings.TOKENS_PER_DEVELOPER = 1
    page = owner_client.get(URL).content.decode()
    assert reverse("accounts:token_apply") not in page


def test_it_invites_a_developer_without_tokens_to_apply(owner_client):
    page = owner_client.get(URL).content.decode()
    assert "You have no tokens yet" in page and reverse("accounts:token_apply") in page


def test_it_sends_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_it_speaks_korean(owner_client, issued):
    page = owner_client.get(URL, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "내 토큰" in page and "사용 중" in page and "최대 10개 중 1개" in page


def test_it_links_each_token_to_its_request_log_once_the_api_offers_one(owner_client, developer, issued):
    shop, _ = issued
    blog, _ = ApiToken.issue(developer, "Blog", "blog.example")
    page = owner_client.get(URL).content.decode()
    for token in (shop, blog):
        assert f'<a href="/tokens/{token.pk}/log/">Request log</a>' in page


def _shop_revoked_and_expired(developer):
    ApiToken.issue(developer, "Shop", "shop.example")
    revoked, _ = ApiToken.issue(developer, "Old blog", "blog.example")
    revoked.revoke()
    expired, _ = ApiToken.issue(developer, "Campaign", "campaign.example")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))


def test_it_hides_revoked_and_expired_tokens_when_asked_in_the_url(owner_client, developer):
    _shop_revoked_and_expired(developer)
    page = owner_client.get(URL, {"active": "1"}).content.decode()
    assert "Shop" in page
    assert "Old blog" not in page and "Campaign" not in page
    assert f'<a href="{URL}">Show 2 revoked or expired tokens</a>' in page
    assert "You have no tokens yet" not in page


def test_it_shows_them_again_without_the_parameter(owner_client, developer):
    _shop_revoked_and_expired(developer)
    page = owner_client.get(URL).content.decode()
    assert "Shop" in page and "Old blog" in page and "Campaign" in page
    assert f'<a href="{URL}?active=1">Hide revoked and expired tokens</a>' in page


def test_it_offers_no_toggle_when_nothing_has_ended(owner_client, issued):
    assert "Hide revoked and expired tokens" not in owner_client.get(URL).content.decode()


def test_it_does_not_call_a_developer_tokenless_when_every_token_is_hidden(owner_client, issued):
    token, _ = issued
    token.revoke()
    page = owner_client.get(URL, {"active": "1"}).content.decode()
    assert "You have no tokens yet" not in page and "Show 1 revoked or expired token" in page


def test_it_says_the_toggle_in_korean(owner_client, developer):
    _shop_revoked_and_expired(developer)
    assert "폐기되거나 만료된 토큰 숨기기" in owner_client.get(URL, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    page = owner_client.get(URL, {"active": "1"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "폐기되거나 만료된 토큰 2개 보기" in page


def test_it_never_lists_an_outsiders_tokens_when_filtering(owner_client, developer, outsider):
    ApiToken.issue(developer, "Shop", "shop.example")
    ApiToken.issue(outsider, "Foreign", "foreign.example")
    assert "Foreign" not in owner_client.get(URL, {"active": "1"}).content.decode()
