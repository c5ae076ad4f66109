"""GET /webhooks/<id>/secret/new/: a new endpoint's (or rolled) secret, shown once, never cached."""

import re

from django.urls import reverse

from webhooks.models import WebhookEndpoint


def shown_secret(response):
    match = re.search(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>', response.content.decode())
    return match.group(1) if match else None


def add(client, token, receiver):
    response = client.post(
        reverse("webhooks:endpoint_add", args=[token.pk]), {"url": receiver.url, "events": ["call_request.created"]}
    )
    return WebhookEndpoint.objects.get(), response.url


def test_it_shows_the_secret_once(owner_client, token, receiver):
    endpoint, url = add(owner_client, token, receiver)
    first = owner_client.get(url)
    assert first.status_code == 200 and shown_secret(first) == endpoint.secret()
    assert "no-store" in first["Cache-Control"]
    assert "This is the only time it is shown in full" in first.content.decode()

    again = owner_client.get(url)
    assert again.status_code == 302 and again.url == reverse("webhooks:endpoint_detail", args=[endpoint.public_id])
    assert "shown only once" in owner_client.get(again.url).content.decode()


def test_it_keeps_the_showing_through_a_head_request(owner_client, token, receiver):
    endpoint, url = add(owner_client, token, receiver)
    assert owner_client.head(url).status_code == 200
    assert shown_secret(owner_client.get(url)) == endpoint.secret()


def test_it_shows_nothing_for_another_endpoint_s_page(owner_client, token, receiver):
    first, url = add(owner_client, token, receiver)
    second, _ = WebhookEndpoint.add(token, receiver.url + "/2", ["call_request.seen"])
    other = owner_client.get(reverse("webhooks:secret_issued", args=[second.public_id]))
    assert other.status_code == 302 and shown_secret(other) is None
    assert shown_secret(owner_client.get(url)) is None  # the showing was for `first` and is used up


def test_it_speaks_korean(owner_client, token, receiver):
    _endpoint, url = add(owner_client, token, receiver)
    assert "지금 복사해" in owner_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_it_takes_no_post(owner_client, token, receiver):
    _endpoint, url = add(owner_client, token, receiver)
    assert owner_client.post(url).status_code == 405
