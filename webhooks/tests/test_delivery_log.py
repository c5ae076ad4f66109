"""GET /webhooks/<id>/log/: every event sent to the endpoint, newest first, with its state, its call request, the
exact body and each attempt (time, status, duration, the answer's first 2 KB, what went wrong in words); in pages,
filtered by event type and result."""

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import CallRequest
from lib.phones import normalise
from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

SITE = "https://example.com/"  # the token's host


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
    assert '<strong class="attempt-status">500</strong>' in one
    assert '<p class="attempt-error">The endpoint answered 500.</p>' in one
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
    # Why nothing came back, in words; the sender's technical text beside them.
    assert re.search(
        r'<p class="attempt-error">Could not connect to the endpoint. <code class="attempt-detail">connection failed: .+</code></p>',
        one,
    )
    korean = owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "엔드포인트에 연결하지 못했습니다." in card(korean, failed.event.public_id)


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


def failed_at(endpoint, receiver, address, settings):
    """The delivery of a test event to `address` (the endpoint moved there), after its one attempt."""
    settings.WEBHOOK_RETRY_DELAYS = []
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=address)
    endpoint.refresh_from_db()
    return sent(endpoint, receiver)


def test_it_says_a_timeout_in_words(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.delay = 2
    failed = failed_at(endpoint, receiver, endpoint.url, settings)
    one = card(owner_client.get(url(endpoint)).content.decode(), failed.event.public_id)
    assert '<p class="attempt-error">Timed out after 0.5 s: the endpoint did not answer in time.</p>' in one
    korean = owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "0.5초 동안 응답이 없어 시간 초과되었습니다." in card(korean, failed.event.public_id)


def test_it_says_a_failed_tls_handshake_in_words(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    failed = failed_at(endpoint, receiver, endpoint.url.replace("http://", "https://"), settings)  # plain HTTP there
    one = card(owner_client.get(url(endpoint)).content.decode(), failed.event.public_id)
    assert re.search(
        r"The secure \(TLS\) connection failed: check the endpoint&#x27;s certificate. "
        r'<code class="attempt-detail">TLS error: .+</code>',
        one,
    )


def test_it_says_an_address_that_does_not_resolve_in_words(owner_client, endpoint, receiver, settings):
    endpoint, _ = endpoint
    failed = failed_at(endpoint, receiver, "https://no-such-host.invalid/hooks", settings)
    one = card(owner_client.get(url(endpoint)).content.decode(), failed.event.public_id)
    assert "The address did not resolve: its host name has no DNS record." in one
    assert '<code class="attempt-detail">refused: host does not resolve' in one


def test_it_shows_the_call_request_on_the_card_before_it_is_opened(owner_client, endpoint, receiver, target, issued):
    endpoint, _ = endpoint
    api = Client()
    for requester in ("01010041005", "01010041004"):  # two call requests in the token's request log
        answer = api.get(f"/{issued[1]}/callback/{requester}/kr/{target.national_number}/kr/hi", HTTP_REFERER=SITE)
    call_request = CallRequest.objects.get(public_id=answer.headers["X-Call-Request-Id"])
    event = WebhookEvent.objects.about(call_request.public_id).get()
    for delivery_id in delivery.dispatch(event.pk):
        delivery.attempt(delivery_id)

    one = card(owner_client.get(url(endpoint)).content.decode(), event.public_id)

    collapsed = one.split("<details", 1)[0]
    assert f'<code class="event-subject">{call_request.public_id}</code>' in collapsed
    # It links to the calls of that request in the token's request log.
    log_link = html.unescape(re.search(r'<dd><a href="([^"]+)"[^>]*><code class="event-subject">', collapsed).group(1))
    log = owner_client.get(log_link).content.decode()
    everything = owner_client.get(log_link.split("?")[0]).content.decode()
    assert (log.count('<tr class="log-success">'), everything.count('<tr class="log-success">')) == (1, 2)
    korean = owner_client.get(url(endpoint), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<dt>전화요청</dt>" in card(korean, event.public_id)


def test_it_filters_by_event_type_and_by_result(owner_client, endpoint, receiver, target, token, settings):
    endpoint, _ = endpoint
    settings.WEBHOOK_RETRY_DELAYS = []
    failed = sent(endpoint, receiver, 500)
    delivered = sent(endpoint, receiver, 200)
    waiting = delivery.send_test_event(endpoint)
    call_request = CallRequest.request_call(normalise("01010041004", "kr"), target, "hi", token)[0]
    [created] = delivery.dispatch(WebhookEvent.objects.about(call_request.public_id).get().pk)
    delivery.attempt(created)

    def shown(query):
        page = owner_client.get(url(endpoint) + query).content.decode()
        return set(re.findall(r'<li class="card delivery" id="event-([^"]+)">', page))

    assert shown("?result=failed") == {failed.event.public_id}
    assert shown("?result=pending") == {waiting.event.public_id}
    assert shown("?event=webhook.test&result=delivered") == {delivered.event.public_id}
    assert shown("?event=call_request.created") == {WebhookDelivery.objects.get(pk=created).event.public_id}
    assert len(shown("")) == len(shown("?event=nonsense")) == 4  # an unknown value filters nothing
    assert shown("?event=call_request.answered") == set()


def test_it_keeps_the_filters_in_its_form_and_across_pages(owner_client, endpoint):
    endpoint, _ = endpoint
    for _ in range(21):
        delivery.send_test_event(endpoint)

    page = owner_client.get(url(endpoint) + "?event=webhook.test&result=pending").content.decode()

    assert '<option value="webhook.test" selected>webhook.test</option>' in page
    assert '<option value="pending" selected>Not delivered yet</option>' in page
    assert "?event=webhook.test&amp;result=pending&amp;page=2" in page
    empty = owner_client.get(url(endpoint) + "?result=failed", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이 조건에 맞는 이벤트가 없습니다." in empty and "모두 보기" in empty
