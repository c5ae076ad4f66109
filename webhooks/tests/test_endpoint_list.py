"""GET /tokens/<pk>/webhooks/: the token's endpoints as cards, and the Webhooks section of the token's page."""

from django.urls import reverse
from django.utils import timezone

from webhooks.models import WebhookEndpoint


def url(token):
    return reverse("webhooks:endpoint_list", args=[token.pk])


def test_it_lists_the_token_s_endpoints_with_their_state(owner_client, token):
    working, _ = WebhookEndpoint.add(token, "https://93.184.215.14/working", ["call_request.created"])
    off, _ = WebhookEndpoint.add(token, "https://93.184.215.14/off", ["call_request.answered"])
    off.change(off.url, off.events, enabled=False)
    failing, _ = WebhookEndpoint.add(token, "https://93.184.215.14/failing", ["call_request.seen"])
    WebhookEndpoint.objects.filter(pk=failing.pk).update(enabled=False, disabled_because="failing")

    page = owner_client.get(url(token)).content.decode()

    for endpoint in (working, off, failing):
        assert reverse("webhooks:endpoint_detail", args=[endpoint.public_id]) in page
        assert reverse("webhooks:delivery_log", args=[endpoint.public_id]) in page
    assert page.count('class="badge badge-active">Enabled<') == 1
    assert page.count('class="badge badge-expired">Disabled<') == 1
    assert "Disabled after failing for 3 days" in page
    assert "3 of at most 5 endpoints." in page
    korean = owner_client.get(url(token), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "최대 5개 중 3개 사용 중입니다." in korean and "3일 동안 전송에 실패해 사용 중지됨" in korean


def test_it_says_when_an_enabled_endpoint_is_failing(owner_client, token):
    endpoint, _ = WebhookEndpoint.add(token, "https://93.184.215.14/hooks", ["call_request.created"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())
    assert "failing since" in owner_client.get(url(token)).content.decode()


def test_it_invites_the_first_endpoint(owner_client, token):
    page = owner_client.get(url(token)).content.decode()
    assert "No endpoint yet" in page
    assert reverse("webhooks:endpoint_add", args=[token.pk]) in page


def test_it_shows_the_endpoints_on_the_token_s_page(owner_client, token):
    detail = reverse("accounts:token_detail", args=[token.pk])
    assert url(token) in owner_client.get(detail).content.decode()
    endpoint, _ = WebhookEndpoint.add(token, "https://93.184.215.14/hooks", ["call_request.created"])
    page = owner_client.get(detail).content.decode()
    assert 'id="webhooks"' in page and "https://93.184.215.14/hooks" in page
    assert reverse("webhooks:endpoint_detail", args=[endpoint.public_id]) in page
    assert "웹훅 관리" in owner_client.get(detail, HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_it_shows_no_other_token_s_endpoints(owner_client, token, developer):
    from accounts.models import ApiToken

    other, _ = ApiToken.issue(developer, "Other site", "other.example")
    WebhookEndpoint.add(other, "https://93.184.215.14/other", ["call_request.created"])
    assert "/other" not in owner_client.get(url(token)).content.decode()


def test_it_takes_no_post(owner_client, token):
    assert owner_client.post(url(token)).status_code == 405
