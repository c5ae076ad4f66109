"""GET /webhooks/<id>/log/: every event sent to the endpoint, newest first, with its state, the exact body and
each attempt (time, status, duration, the answer's first 2 KB, the error); in pages."""

import html
import re

from django.urls import reverse
from django.utils import timezone

from webhooks import delivery
from webhooks.models import WebhookDelivery


def url(endpoint):
    return reverse("webhooks:delivery_log", args=[endpoint.public_id])


def card(page, message_id):
    """The HTML of one event's card."""
    match = re.search(rf'<li class="card delivery" id="event-{message_id}">(.*?)\n  </li>', page, re.S)
    assert match, f"no card for {message_id}"
    return match.group(1)


def sent(endpoint, receiver, status=200, body=b"ok"):
    receiver.status, receiver.body = status, body
    test = delivery.send_test_event(endpoint)
    delivery.attempt(test.pk)
    return WebhookDelivery.objects.select_related("event").get(pk=test.pk)


def test_it_shows_each_attempt_and_the_exact_body(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = []
    failed = sent(endpoint, receiver, 500, b'{"error": "database <down>"}' + b"x" * 3000)
    delivered = sent(endpoint, receiver, 204, b"")

    page = owner_client.get(url(endpoint)).content.decode()

    one = card(page, failed.event.public_id)
    assert 'data-state="failed"' in one and "1 attempt" in one
    assert html.unescape(re.search(r'<code id="body-[^"]+">(.*?)</code>', one, re.S).group(1)) == failed.event.body
    assert '<strong class="attempt-status">500</strong>' in one and "<code>HTTP 500</code>" in one
    attempt = failed.attempts.get()
    assert f"{attempt.duration_ms} ms" in one
    assert timezone.localtime(attempt.started_at).strftime("%Y-%m-%d %H:%M:%S") in one
    assert f"webhook-timestamp <code>{int(attempt.started_at.timestamp())}</code>" in one
    excerpt = html.unescape(
        re.search(r"Response \(first 2 KB\)</summary>\s*<pre><code>(.*?)</code>", one, re.S).group(1)
    )
    assert excerpt.startswith('{"error": "database <down>"}') and len(excerpt.encode()) == 2048

    two = card(page, delivered.event.public_id)
    assert 'data-state="delivered"' in two and '<strong class="attempt-status">204</strong>' in two
    assert page.index(delivered.event.public_id) < page.index(failed.event.public_id)  # newest first
    assert "1 failed event" in page  # and the form to resend them


def test_it_shows_when_a_retry_is_due(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = [300]
    retrying = sent(endpoint, receiver, 503)
    waiting = delivery.send_test_event(endpoint)

    page = owner_client.get(url(endpoint)).content.decode()

    due = timezone.localtime(retrying.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"next attempt {due}" in card(page, retrying.event.public_id)
    assert 'data-state="pending"' in card(page, waiting.event.public_id)
    assert "Not attempted yet." in card(page, waiting.event.public_id)
    korean = owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f"다음 시도 {due}" in korean and "재시도 예정" in korean and "아직 시도하지 않았습니다." in korean


def test_it_shows_a_connection_that_failed(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = []
    receiver.stop()
    failed = sent(endpoint, receiver)
    one = card(owner_client.get(url(endpoint)).content.decode(), failed.event.public_id)
    assert '<strong class="attempt-status">—</strong>' in one
    assert re.search(r'<p class="attempt-error"><code>\w.+</code></p>', one)  # why nothing came back


def test_it_pages_through_the_events(owner_client, endpoint):
    endpoint, _ = endpoint
    tests = [delivery.send_test_event(endpoint) for _ in range(23)]
    first = owner_client.get(url(endpoint)).content.decode()
    second = owner_client.get(url(endpoint) + "?page=2").content.decode()
    assert first.count('class="card delivery"') == 20 and second.count('class="card delivery"') == 3
    assert tests[-1].event.public_id in first and tests[0].event.public_id in second
    assert "Page 1 of 2" in first and "?page=2" in first


def test_it_invites_a_test_event_when_empty(owner_client, endpoint):
    endpoint, _ = endpoint
    page = owner_client.get(url(endpoint)).content.decode()
    assert "Nothing sent yet" in page and reverse("webhooks:send_test", args=[endpoint.public_id]) in page


def test_it_takes_no_post(owner_client, endpoint):
    endpoint, _ = endpoint
    assert owner_client.post(url(endpoint)).status_code == 405
