"""Pushes through the whole path: a call request sent (its commit heard by device.push.triggers, which enqueues the
planning), a real worker process (`manage.py run_huey`) sending to the local stand-ins, its retry after a 503, the
cancel's withdrawal, and the sweeper putting back a request whose enqueue was lost."""

import json
import time

import pytest

from api.models import CallRequest
from device.models import DeliveryStep, PushJob, PushTarget
from device.push import sending
from lib.phones import normalise
from tests.helpers import REQUESTER
from tests.workers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTER_TWO = normalise("01010041005", "kr")


def start_worker(workers, standin, **extra):
    return workers.start(**standin.settings(), PUSH_RETRY_DELAYS="1", **extra)


def test_it_pushes_a_new_request_through_a_worker_and_withdraws_it_on_cancel(
    workers, push_standin, issued_key, target, send, token
):
    subscription = push_standin.subscription()
    PushTarget.register(issued_key[0], "webpush", json.dumps(subscription.as_json()), "…")
    start_worker(workers, push_standin)

    call_request = send(target, "please call")
    [pushed] = push_standin.wait_for(1)
    CallRequest.cancel_open(REQUESTER, target, token)
    pushed, withdrawn = push_standin.wait_for(2)

    assert pushed["payload"]["call_request_id"] == withdrawn["payload"]["call_request_id"] == call_request.public_id
    assert (pushed["payload"]["action"], withdrawn["payload"]["action"]) == ("send", "withdraw")
    wait_until(lambda: DeliveryStep.objects.filter(action="withdraw").exists(), 10, "the withdrawal's trace")
    assert list(DeliveryStep.objects.values_list("path", "action", "outcome")) == [
        ("webpush", "send", "sent"),
        ("webpush", "withdraw", "sent"),
    ]


def test_it_retries_a_503_in_the_worker(workers, push_standin, issued_key, target, send):
    PushTarget.register(issued_key[0], "apns", "0a1b" * 16, "…", "sandbox")
    push_standin.answer_next("0a1b" * 16, 503, {"reason": "ServiceUnavailable"}, {"Retry-After": "1"})
    start_worker(workers, push_standin)

    send(target)
    push_standin.wait_for(2)

    wait_until(lambda: PushJob.objects.filter(state="sent").exists(), 10, "the push to be sent")
    assert [record["status"] for record in push_standin.received] == [503, 200]
    assert PushJob.objects.get().attempt_count == 2


def test_the_sweeper_pushes_a_request_whose_enqueue_was_lost(push_standin, issued_key, target, token):
    PushTarget.register(issued_key[0], "fcm", "fcm-token:" + "B" * 140, "…")
    # No worker runs: the planning enqueued after the commit is never run, as if the enqueue had been lost.
    call_request = CallRequest.request_call(REQUESTER, target, "please call", token)[0]
    assert not PushJob.objects.exists()

    subscribers, jobs = sending.overdue_work(grace_seconds=0)

    assert (subscribers, jobs) == ([target.pk], [])
    for job in sending.plan(target.pk):
        sending.attempt(job)
    assert push_standin.received[0]["message"]["data"]["call_request_id"] == call_request.public_id
    assert sending.overdue_work(grace_seconds=0) == ([], [])


def test_a_request_to_a_subscriber_without_a_push_target_enqueues_nothing(
    push_standin, issued_key, target, other_subscriber, send
):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    PushTarget.register(issued_key[0], "fcm", "fcm-token:" + "D" * 140, "…")

    send(other_subscriber)  # no device with a push target: nothing to plan
    send(target, requester=REQUESTER_TWO)

    # The planner thread takes the changes in order: once the second is enqueued the first was looked at.
    wait_until(lambda: HUEY.pending_count() >= 1, 5, "the planning of the second to be enqueued")
    time.sleep(0.2)
    assert HUEY.pending_count() == 1
    HUEY.flush()
