"""POST /webhooks/<id>/edit/: the URL, the events and enabled, with the add form's checks."""

import re

from django.urls import reverse
from django.utils import timezone

from webhooks.models import WebhookEndpoint


def url(endpoint):
    return reverse("webhooks:endpoint_edit", args=[endpoint.public_id])


def edit(client, endpoint, address, events, enabled=True, **headers):
    data = {"url": address, "events": events}
    if enabled:
        data["enabled"] = "on"
    return client.post(url(endpoint), data, **headers)


def errors(response):
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def test_it_changes_the_url_and_the_events(owner_client, endpoint, token):
    endpoint, _ = endpoint
    response = edit(owner_client, endpoint, "https://93.184.215.14/new", ["call_request.seen", "call_request.answered"])
    assert response.status_code == 302 and response.url == reverse(
        "webhooks:endpoint_detail", args=[endpoint.public_id]
    )
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (
        "https://93.184.215.14/new",
        ["call_request.answered", "call_request.seen"],
    )
    token.refresh_from_db()
    assert token.webhook_event_types == ["call_request.answered", "call_request.seen"]
    assert "The endpoint is saved." in owner_client.get(response.url).content.decode()


def test_it_disables_and_enables_again(owner_client, endpoint, token):
    endpoint, _ = endpoint
    edit(owner_client, endpoint, endpoint.url, endpoint.events, enabled=False)
    endpoint.refresh_from_db()
    token.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_because, token.webhook_event_types) == (False, "developer", [])

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_because="failing", failing_since=timezone.now())
    edit(owner_client, endpoint, endpoint.url, endpoint.events, enabled=True)
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_because, endpoint.failing_since) == (True, "", None)


def test_it_refuses_a_private_address_with_the_form_beside_it(owner_client, endpoint, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = edit(owner_client, endpoint, "https://10.0.0.7/hooks", endpoint.events)
    assert response.status_code == 200
    assert "private, loopback or reserved network" in errors(response)
    assert "사설, 루프백" in errors(
        edit(owner_client, endpoint, "https://10.0.0.7/", endpoint.events, HTTP_ACCEPT_LANGUAGE="ko")
    )
    old = endpoint.url
    endpoint.refresh_from_db()
    assert endpoint.url == old


def test_it_lets_an_unchanged_url_be_saved_even_where_it_is_no_longer_allowed(owner_client, endpoint, settings):
    endpoint, _ = endpoint  # http on 127.0.0.1, saved while private URLs were allowed
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = edit(owner_client, endpoint, endpoint.url, endpoint.events, enabled=False)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled is False


def test_it_refuses_a_fragment_on_the_detail_page_in_english_and_korean(owner_client, endpoint):
    endpoint, _ = endpoint
    english = edit(owner_client, endpoint, "https://93.184.215.14/new#top", ["call_request.seen"])
    korean = edit(
        owner_client, endpoint, "https://93.184.215.14/new#top", ["call_request.seen"], HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert english.status_code == 200 and "Leave out the #fragment" in errors(english)
    assert "#프래그먼트는 빼세요." in errors(korean)
    endpoint.refresh_from_db()
    assert "#" not in endpoint.url


def test_it_needs_an_event(owner_client, endpoint):
    endpoint, _ = endpoint
    assert "Choose at least one event." in errors(edit(owner_client, endpoint, endpoint.url, []))
    assert "이벤트를 하나 이상 고르세요." in errors(
        edit(owner_client, endpoint, endpoint.url, [], HTTP_ACCEPT_LANGUAGE="ko")
    )


def test_it_refuses_another_endpoint_s_url_of_the_same_token(owner_client, endpoint, token):
    endpoint, _ = endpoint
    WebhookEndpoint.add(token, "https://93.184.215.14/taken", ["call_request.created"])
    response = edit(owner_client, endpoint, "https://93.184.215.14/taken", endpoint.events)
    assert "already has an endpoint with this URL" in errors(response)


def test_it_takes_no_get(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.get(url(endpoint)).status_code == 405
