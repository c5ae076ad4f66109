"""Pushes sent by device.push.sending (what the task queue's worker runs) to local stand-ins for FCM, APNs and a
Web Push service (tests.push_standins), which check what the real services check: the OAuth2 access token minted
from the service-account key and the v1 message; HTTP/2, the headers and the ES256 provider JWT; the VAPID JWT,
and the payload, decrypted with the subscription's private key. Then each provider's failure answers and their
effect, Retry-After, nothing sent after an answer or a cancel, and a cancel's withdrawal."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import CallRequest
from device.models import DeliveryStep, PushJob, PushTarget
from device.push import sending
from tests.helpers import REQUESTER

pytestmark = pytest.mark.django_db

FCM_TOKEN = "fcm-token:" + "A" * 140
APNS_TOKEN = "0a1b" * 16


@pytest.fixture
def key(issued_key):
    return issued_key[0]


def register(standin, key, kind):
    if kind == "fcm":
        return PushTarget.register(key, "fcm", FCM_TOKEN, "…AAAA"), FCM_TOKEN
    if kind == "apns":
        return PushTarget.register(key, "apns", APNS_TOKEN, "…0a1b", "production"), APNS_TOKEN
    subscription = standin.subscription()
    return PushTarget.register(key, "webpush", json.dumps(subscription.as_json()), "…"), subscription.name


def push_all(subscriber):
    """What the worker does for a change of the subscriber's requests: plan, then one attempt of each push;
    {job: the delay it asked for}."""
    return {job: sending.attempt(job) for job in sending.plan(subscriber.pk)}


def test_it_sends_fcm_a_v1_message_with_a_token_from_the_service_account(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    call_request = send(target, "please call")

    push_all(target)

    [received] = push_standin.received
    message = received["message"]
    assert message["token"] == FCM_TOKEN
    assert message["notification"] == {"title": REQUESTER.e164, "body": "please call"}
    assert message["data"] == {"call_request_id": call_request.public_id, "action": "send"}
    assert message["android"]["priority"] == "HIGH"
    assert message["android"]["collapse_key"] == call_request.public_id
    assert 86390 < int(message["android"]["ttl"].rstrip("s")) <= 86400
    assert len(push_standin.access_tokens) == 1  # minted through the token endpoint, which verified the assertion
    step = DeliveryStep.objects.get(call_request=call_request)
    assert (step.path, step.outcome, step.status) == ("fcm", "sent", 200)
    assert step.answer.startswith("projects/callbacknow-test/messages/")


def test_it_sends_apns_a_time_sensitive_alert_over_http2(push_standin, key, target, send):
    register(push_standin, key, "apns")
    call_request = send(target, "please call")

    push_all(target)

    [received] = push_standin.received  # the stand-in refuses HTTP/1.1 and an unverified provider JWT
    assert received["headers"] == {
        "apns-topic": "org.airpage.callbacknow",
        "apns-push-type": "alert",
        "apns-priority": "10",
        "apns-collapse-id": call_request.public_id,
        "apns-expiration": str(int(call_request.expires_at.timestamp())),
    }
    aps = received["payload"]["aps"]
    assert aps["alert"] == {"title": REQUESTER.e164, "body": "please call"}
    assert aps["interruption-level"] == "time-sensitive"
    assert received["payload"]["call_request_id"] == call_request.public_id
    assert DeliveryStep.objects.get(call_request=call_request).outcome == "sent"


def test_it_sends_web_push_encrypted_with_vapid_ttl_urgency_and_topic(push_standin, key, target, send):
    register(push_standin, key, "webpush")
    call_request = send(target, "전화 부탁해요")
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() + timedelta(seconds=600))

    push_all(target)

    [received] = push_standin.received  # decrypted by the stand-in with the subscription's private key
    assert received["payload"] == {
        "call_request_id": call_request.public_id,
        "action": "send",
        "title": REQUESTER.e164,
        "body": "전화 부탁해요",
    }
    assert 590 < int(received["headers"]["ttl"]) <= 600
    assert received["headers"]["urgency"] == "high"
    assert received["headers"]["topic"] == call_request.public_id
    assert DeliveryStep.objects.get(call_request=call_request).status == 201


def test_it_sends_web_push_to_the_address_it_checked_not_to_a_second_resolution(
    push_standin, key, target, send, monkeypatch
):
    """DNS rebinding: the push service's name resolves to a public address when checked, then elsewhere."""
    import socket

    register(push_standin, key, "webpush")
    real = socket.getaddrinfo
    answers = []

    def rebinding(host, port, *args, **kwargs):
        found = real(host, port, *args, **kwargs)
        answers.append(host)
        if host == "localhost" and len(answers) > 1:  # after the check: an address where nothing listens
            return [(*info[:4], ("127.0.0.9", info[4][1])) for info in found if info[0] == socket.AF_INET]
        return found

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    send(target)

    push_all(target)

    assert len(push_standin.received) == 1  # sent where the check looked, with the service's name in TLS
    assert DeliveryStep.objects.get().status == 201


def test_it_sends_each_request_once_to_each_device(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    send(target)

    push_all(target)
    push_all(target)  # a second change of the subscriber's requests: nothing new to push

    assert len(push_standin.received) == 1
    assert PushJob.objects.get().state == "sent"


DEAD_ANSWERS = [
    ("fcm", 404, {"error": {"code": 404, "status": "NOT_FOUND", "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}]}}),
    ("fcm", 400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "The registration token is not a "
        "valid FCM registration token", "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": "message.token", "description": "Invalid registration token"}]}]}}),
    ("apns", 410, {"reason": "Unregistered", "timestamp": 1796680000000}),
    ("apns", 400, {"reason": "BadDeviceToken"}),
    ("webpush", 404, None),
    ("webpush", 410, None),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "status", "answer"), DEAD_ANSWERS)
def test_it_removes_a_target_the_provider_calls_dead(push_standin, key, target, send, kind, status, answer):
    _target, token = register(push_standin, key, kind)
    push_standin.answer_next(token, status, answer)
    call_request = send(target)

    delays = push_all(target)

    assert list(delays.values()) == [None]
    assert not PushTarget.objects.filter(device_key=key).exists()
    assert PushJob.objects.get().state == "failed"
    step = DeliveryStep.objects.get(call_request=call_request)
    assert (step.outcome, step.status) == ("dead", status)


def test_it_keeps_a_target_on_an_invalid_argument_about_something_else(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    answer = {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "Invalid value at 'message.data'"}}
    push_standin.answer_next(FCM_TOKEN, 400, answer)
    send(target)

    push_all(target)

    assert PushTarget.objects.filter(device_key=key).exists()
    assert PushJob.objects.get().state == "failed"


@pytest.mark.parametrize("kind", ["fcm", "apns", "webpush"])
def test_it_retries_a_429_no_sooner_than_retry_after(push_standin, key, target, send, kind):
    _target, token = register(push_standin, key, kind)
    push_standin.answer_next(token, 429, {"reason": "TooManyRequests"}, {"Retry-After": "7"})
    send(target)

    [delay] = push_all(target).values()

    assert delay == 7  # more than the first backoff (1 s): the provider's wish wins
    job = PushJob.objects.get()
    assert job.state == "retrying"
    assert sending.attempt(job.pk) is None  # not due yet: nothing sent
    assert len(push_standin.received) == 1
    PushJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    assert sending.attempt(job.pk) is None
    job.refresh_from_db()
    assert (job.state, job.attempt_count) == ("sent", 2)
    assert [step.outcome for step in DeliveryStep.objects.all()] == ["retry", "sent"]


def test_it_backs_off_on_a_5xx_without_retry_after(push_standin, key, target, send, settings):
    settings.PUSH_RETRY_DELAYS = [3, 40]
    register(push_standin, key, "apns")
    push_standin.answer_next(APNS_TOKEN, 503, {"reason": "ServiceUnavailable"})
    push_standin.answer_next(APNS_TOKEN, 500, {"reason": "InternalServerError"})
    send(target)

    [job] = push_all(target)
    PushJob.objects.filter(pk=job).update(next_attempt_at=timezone.now())

    assert sending.attempt(job) == 40
    assert PushJob.objects.get().attempt_count == 2


def test_it_gives_up_when_retry_after_outlives_the_request(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    push_standin.answer_next(FCM_TOKEN, 503, {"error": {"code": 503, "status": "UNAVAILABLE"}}, {"Retry-After": "120"})
    call_request = send(target)
    CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now() + timedelta(seconds=60))

    assert list(push_all(target).values()) == [None]

    assert PushJob.objects.get().state == "failed"
    assert PushTarget.objects.filter(device_key=key).exists()


@pytest.mark.parametrize("change", ["answer", "decline", "cancel", "expire"])
def test_it_sends_nothing_once_the_request_is_closed(push_standin, key, target, send, token, change):
    register(push_standin, key, "fcm")
    call_request = send(target)
    [job] = sending.plan(target.pk)
    if change == "cancel":
        CallRequest.cancel_open(REQUESTER, target, token)
    elif change == "expire":
        CallRequest.objects.filter(pk=call_request.pk).update(expires_at=timezone.now())
    else:
        getattr(call_request, change)()

    assert sending.attempt(job) is None

    assert push_standin.received == []
    assert PushJob.objects.get(pk=job).state == "skipped"
    assert not DeliveryStep.objects.exists()


@pytest.mark.parametrize("kind", ["fcm", "apns", "webpush"])
def test_it_withdraws_a_pushed_request_that_is_cancelled(push_standin, key, target, send, token, kind):
    _target, push_token = register(push_standin, key, kind)
    call_request = send(target)
    push_all(target)

    CallRequest.cancel_open(REQUESTER, target, token)
    push_all(target)

    sent, withdrawn = push_standin.wait_for(2)
    assert withdrawn["token"] == push_token
    if kind == "fcm":  # data only: the app removes the notification tagged with the request's ID
        assert withdrawn["message"]["data"] == {"call_request_id": call_request.public_id, "action": "withdraw"}
        assert "notification" not in withdrawn["message"]
    elif kind == "apns":  # the same collapse ID replaces the notification
        assert withdrawn["headers"]["apns-collapse-id"] == sent["headers"]["apns-collapse-id"]
        assert withdrawn["payload"]["aps"]["interruption-level"] == "passive"
        assert withdrawn["payload"]["action"] == "withdraw"
    else:  # the same Topic replaces it at the push service; the service worker closes the notification
        assert withdrawn["headers"]["topic"] == sent["headers"]["topic"]
        assert withdrawn["payload"] == {"call_request_id": call_request.public_id, "action": "withdraw"}
    assert [step.action for step in DeliveryStep.objects.filter(call_request=call_request)] == ["send", "withdraw"]


def test_it_withdraws_nothing_that_was_never_pushed(push_standin, key, target, send, token):
    send(target)
    CallRequest.cancel_open(REQUESTER, target, token)
    register(push_standin, key, "fcm")

    assert push_all(target) == {}
    assert push_standin.received == []


def test_it_sends_nothing_through_a_channel_without_credentials(push_standin, key, target, send, settings):
    settings.PUSH_APNS_KEY_FILE = ""
    register(push_standin, key, "apns")
    call_request = send(target)

    push_all(target)

    assert push_standin.received == []
    step = DeliveryStep.objects.get(call_request=call_request)
    assert (step.outcome, step.answer) == ("failed", "apns is off: no credentials")


def test_it_pushes_to_no_revoked_key(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    key.revoke()
    send(target)

    assert push_all(target) == {}
    assert push_standin.received == []


def test_it_keeps_the_tokens_out_of_the_logs(push_standin, key, target, send, caplog):
    caplog.set_level("DEBUG")
    _target, token = register(push_standin, key, "apns")
    push_standin.answer_next(token, 410, {"reason": "Unregistered"})
    send(target)

    push_all(target)

    assert APNS_TOKEN not in caplog.text


def test_a_test_phone_gets_the_same_pushes(push_standin, developer, issued):
    from accounts.models import ApiToken
    from api.models import Subscriber
    from device.models import DeviceKey

    phone = Subscriber.create_test_phone(developer)
    test_key, _plaintext = DeviceKey.issue(phone, "Test phone")
    register(push_standin, test_key, "fcm")
    test_token, _value = ApiToken.issue(developer, "Tests", "localhost", test=True)
    call_request = CallRequest.request_call(REQUESTER, phone, "please call", test_token)[0]

    push_all(phone)

    [received] = push_standin.received
    assert received["message"]["data"]["call_request_id"] == call_request.public_id


def test_it_mints_a_new_fcm_access_token_after_a_401(push_standin, key, target, send):
    from lib.phones import normalise

    register(push_standin, key, "fcm")
    send(target)
    push_all(target)  # the first push mints an access token
    push_standin.access_tokens.clear()  # which then expires at Google
    send(target, requester=normalise("01010041005", "kr"))
    [job] = sending.plan(target.pk)

    assert sending.attempt(job) == 1  # 401: retried, with a new access token
    PushJob.objects.filter(pk=job).update(next_attempt_at=timezone.now())
    sending.attempt(job)

    assert PushJob.objects.get(pk=job).state == "sent"
    assert [record["status"] for record in push_standin.received] == [200, 200]  # the 401 is the stand-in's own
    assert [step.status for step in DeliveryStep.objects.order_by("id")] == [200, 401, 200]
    assert len(push_standin.access_tokens) == 1


def test_it_signs_a_new_apns_provider_token_after_expired_provider_token(push_standin, key, target, send):
    from device.push import apns

    register(push_standin, key, "apns")
    first = apns.provider_token()
    push_standin.answer_next(APNS_TOKEN, 403, {"reason": "ExpiredProviderToken"})
    send(target)
    [job] = sending.plan(target.pk)

    assert sending.attempt(job) == 1
    assert apns._token == {}  # dropped: the next push signs a new one
    PushJob.objects.filter(pk=job).update(next_attempt_at=timezone.now())
    sending.attempt(job)

    assert PushJob.objects.get().state == "sent"
    assert apns.provider_token() != first
    assert [record["status"] for record in push_standin.received] == [403, 200]


def test_a_push_whose_worker_died_mid_attempt_is_taken_up_again(push_standin, key, target, send):
    register(push_standin, key, "webpush")
    send(target)
    [job] = sending.plan(target.pk)
    lost = timezone.now() - timedelta(seconds=1)
    PushJob.objects.filter(pk=job).update(state="sending", lease_until=lost)  # its worker was killed

    assert sending.overdue_work(grace_seconds=30) == ([], [job])
    sending.attempt(job)

    assert PushJob.objects.get().state == "sent"
    assert len(push_standin.received) == 1


def test_a_push_under_a_live_lease_is_left_to_its_worker(push_standin, key, target, send):
    register(push_standin, key, "fcm")
    send(target)
    [job] = sending.plan(target.pk)
    PushJob.objects.filter(pk=job).update(state="sending", lease_until=timezone.now() + timedelta(seconds=60))

    assert sending.attempt(job) is None
    assert sending.overdue_work(grace_seconds=30) == ([], [])
    assert push_standin.received == []


def test_an_unexpected_failure_is_retried_not_left_leased(push_standin, key, target, send, monkeypatch):
    from device.push import fcm

    register(push_standin, key, "fcm")
    send(target)

    def broken(*args, **kwargs):
        raise RuntimeError("deque mutated during iteration")

    monkeypatch.setattr(fcm, "send", broken)
    [delay] = push_all(target).values()

    assert delay == 1
    job = PushJob.objects.get()
    assert (job.state, job.lease_until) == ("retrying", None)
    assert DeliveryStep.objects.get().answer == "RuntimeError: unexpected failure"


def test_each_thread_has_its_own_http2_client(push_standin):
    import threading

    from device.push import providers

    found = []
    threads = [threading.Thread(target=lambda: found.append(providers.client(http2=True))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert found[0] is not found[1]
    assert providers.client() is providers.client()  # HTTP/1.1: one per process
