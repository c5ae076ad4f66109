"""Clearing a developer's test data (api.models.clear_test_data) deletes the webhook events of their test tokens
(their call requests' and their test sends) with no foreign key to cascade, and leaves the live token's."""

from accounts.models import ApiToken
from api.models import CallRequest, Subscriber, clear_test_data
from lib.phones import normalise
from webhooks import delivery
from webhooks.models import CALL_REQUEST_EVENTS, WebhookEndpoint, WebhookEvent

REQUESTER = normalise("01010041004", "kr")


def test_it_deletes_the_test_requests_events_and_keeps_the_live_ones(developer, token, target, receiver):
    test_token = ApiToken.test_token_for(developer)
    endpoint, _ = WebhookEndpoint.add(test_token, receiver.url, CALL_REQUEST_EVENTS)
    WebhookEndpoint.add(token, receiver.url, CALL_REQUEST_EVENTS)
    phone = Subscriber.create_test_phone(developer)
    test_request = CallRequest.request_call(REQUESTER, phone, "hi", test_token)[0]
    test_request.mark_delivered()
    delivery.send_test_event(endpoint)
    live_request = CallRequest.request_call(REQUESTER, target, "hi", token)[0]

    clear_test_data(developer)

    assert not WebhookEvent.objects.about(test_request.public_id).exists()
    assert not WebhookEvent.objects.filter(token=test_token).exists()
    assert list(WebhookEvent.objects.values_list("subject", "type")) == [
        (live_request.public_id, "call_request.created")
    ]
