"""Test mode's magic outcomes, played through the real state machine on the task queue.

A call request to a magic number (api.testmode.OUTCOMES) changes state as a real phone would make it change:
each step is a task run by the queue's worker at its time after the request (the scheduler's resolution is a
second). A step first takes the steps before it that have not happened yet, so that they happen in order whichever
worker thread runs first. Each change is CallRequest.change_to, so the status call, the request log, the test page
and the webhooks see exactly what a real phone would cause. Expiry comes on time too, by a last task at the
request's expiry (the minute's expiry job would catch it later).
"""

import logging

from django.utils import timezone
from huey.contrib.djhuey import db_task

from api.models import CallRequest
from api.testmode import OUTCOMES

STEPS = {outcome.code: outcome.steps for outcome in OUTCOMES}

log = logging.getLogger(__name__)


def magic_outcome(call_request, outcome):
    """Schedules the outcome's steps for a call request just created, and its expiry."""
    try:
        for index, step in enumerate(outcome.steps):
            play_step.schedule(args=(call_request.pk, outcome.code, index), delay=step.after_seconds)
        due_in = (call_request.expires_at - timezone.now()).total_seconds()
        expire_when_due.schedule(args=(call_request.pk,), delay=max(0.0, due_in) + 0.1)
    except Exception as exc:  # the queue is down: the request stays as it is and expires with the minute's job
        log.warning("Test call request not played: %s: %s", type(exc).__name__, exc)


@db_task()
def play_step(pk, code, index):
    call_request = CallRequest.objects.select_related("token", "target").filter(pk=pk).first()
    if call_request is None:
        return  # cleared meanwhile
    reached = {state for state, _at in call_request.history()}
    for step in STEPS[code][: index + 1]:
        if not call_request.is_open:
            return  # cancelled by its sender or expired: the phone plays no further
        if step.state not in reached:
            call_request.change_to(step.state, refuse=False)
            reached.add(step.state)


@db_task()
def expire_when_due(pk):
    call_request = CallRequest.objects.select_related("token", "target").filter(pk=pk).first()
    if call_request is not None and call_request.is_open and call_request.expires_at <= timezone.now():
        call_request.change_to(CallRequest.State.EXPIRED, refuse=False)
