"""The pushes of a subscriber's call requests, at least once and in the task queue's worker: planned from the
database (an open request not yet pushed to a device with a push target is sent; a cancelled one that was pushed
is withdrawn), each attempted by one worker at a time, retried on a 429 or 5xx within the request's life.

The database is the outbox: a request committed without its push (the enqueue after the commit was lost, a
worker died) is found by the sweeper (device.tasks)."""

import logging
import secrets
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import CallRequest
from device.models import DeliveryStep, DeviceKey, PushJob, PushTarget, QuietHours
from device.push import apns, fcm, providers, webpush

log = logging.getLogger(__name__)
State, Action = PushJob.State, PushJob.Action
LEASE_SECONDS = 60


def plan(subscriber_id):
    """Creates the pushes the subscriber's requests need and returns the IDs of those due."""
    now = timezone.now()
    keys = list(
        DeviceKey.objects.active()
        .filter(subscriber_id=subscriber_id, push_target__isnull=False)
        .values_list("pk", flat=True)
    )
    jobs = []
    if keys:
        open_requests = CallRequest.objects.for_subscriber(subscriber_id).open().values_list("pk", flat=True)
        jobs += [
            PushJob(call_request_id=request_id, device_key_id=key, action=Action.SEND, next_attempt_at=now)
            for request_id in open_requests
            for key in keys
        ]
    pushed_then_cancelled = PushJob.objects.filter(
        call_request__target_id=subscriber_id,
        call_request__state=CallRequest.State.CANCELLED,
        action=Action.SEND,
        state=State.SENT,
    ).values_list("call_request_id", "device_key_id")
    jobs += [
        PushJob(call_request_id=request_id, device_key_id=key, action=Action.WITHDRAW, next_attempt_at=now)
        for request_id, key in pushed_then_cancelled
    ]
    if jobs:
        PushJob.objects.bulk_create(jobs, ignore_conflicts=True)
    return list(
        PushJob.objects.filter(
            call_request__target_id=subscriber_id, state=State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )


def attempt(job_id):
    """One attempt of a push if it is due and no one else holds it. Returns the seconds until it should be tried
    again, or None."""
    now = timezone.now()
    due = PushJob.objects.filter(
        pk=job_id, state__in=[State.PENDING, State.RETRYING], next_attempt_at__lte=now
    ) | PushJob.objects.filter(pk=job_id, state=State.SENDING, lease_until__lt=now)
    if not due.update(state=State.SENDING, lease_until=now + timedelta(seconds=LEASE_SECONDS)):
        return None
    job = PushJob.objects.select_related("call_request__target", "device_key").get(pk=job_id)
    call_request = job.call_request
    target = PushTarget.objects.filter(device_key=job.device_key, device_key__revoked_at__isnull=True).first()
    why_not = _why_not(job, call_request, target, now)
    if why_not:
        _set(job, State.SKIPPED)
        log.info("push %s of call request %s not sent: %s", job.pk, call_request.public_id, why_not)
        return None
    quietly = job.action == Action.SEND and QuietHours.cover(call_request.target_id, call_request.created_at)
    try:
        result = send(target, call_request, job.action, now, quiet=quietly)
    except Exception as exc:  # a bug or a library's surprise: retried like a network failure, not left leased
        log.warning("push %s failed unexpectedly: %s", job.pk, type(exc).__name__, exc_info=exc)
        result = providers.Outcome(providers.RETRY, None, f"{type(exc).__name__}: unexpected failure")
    DeliveryStep.objects.create(
        call_request=call_request,
        device_key=job.device_key,
        path=target.kind,
        action=job.action,
        at=now,
        status=result.status,
        outcome=result.outcome,
        answer=result.answer,
        quiet=quietly,
    )
    return _finish(job, target, call_request, result)


def send(target, call_request, action, now=None, quiet=False):
    """Sends one push of the call request to the target, through its channel; an Outcome. A quiet push (the request
    arrived in the subscriber's quiet hours) shows the notification without a sound and wakes no one."""
    now = now or timezone.now()
    if not providers.channels()[target.kind]:
        return providers.Outcome(providers.FAILED, None, f"{target.kind} is off: no credentials")
    ttl = max(1, int((call_request.expires_at - now).total_seconds()))
    if target.kind == PushTarget.Kind.FCM:
        return fcm.send(target.secret(), call_request, action, ttl, quiet)
    if target.kind == PushTarget.Kind.APNS:
        return apns.send(target.secret(), target.environment, call_request, action, quiet)
    return webpush.send(target.secret(), call_request, action, ttl, quiet)


TEST_TITLE = "CallbackNow"
TEST_BODY = "테스트 푸시입니다 · This is a test push"


def test_push(device_key):
    """Sends a test notification to the key's push target at once (staff, from the admin); its Outcome, or None when
    the key has no target. A target the provider calls dead is removed, as for a call request's push."""
    target = PushTarget.objects.filter(device_key=device_key).first()
    if target is None:
        return None
    now = timezone.now()
    sample = SimpleNamespace(
        public_id=f"test_{secrets.token_hex(8)}",
        requester_number=TEST_TITLE,
        message=TEST_BODY,
        expires_at=now + timedelta(minutes=5),
    )
    result = send(target, sample, Action.SEND, now)
    if result.outcome == providers.DEAD:
        PushTarget.objects.filter(pk=target.pk, secret_encrypted=target.secret_encrypted).delete()
    return result


def _why_not(job, call_request, target, now):
    if target is None:
        return "the device has no push target (any more)"
    if job.action == Action.SEND and (not call_request.is_open or call_request.expires_at <= now):
        return f"the call request is {call_request.state if not call_request.is_open else 'expired'}"
    if job.action == Action.WITHDRAW and call_request.expires_at <= now:
        return "the call request expired: its notification is gone"
    return ""


def _finish(job, target, call_request, result):
    count = job.attempt_count + 1
    if result.outcome == providers.SENT:
        _set(job, State.SENT, attempt_count=count)
        return None
    if result.outcome == providers.DEAD:
        with transaction.atomic():  # the token is dead: removed, unless the app registered another meanwhile
            PushTarget.objects.filter(pk=target.pk, secret_encrypted=target.secret_encrypted).delete()
            _set(job, State.FAILED, attempt_count=count)
        log.info("push target of device key %s removed: the provider says it is dead", job.device_key_id)
        return None
    delays = settings.PUSH_RETRY_DELAYS
    if result.outcome == providers.RETRY and count <= len(delays):
        delay = max(delays[count - 1], result.retry_after or 0)
        if timezone.now() + timedelta(seconds=delay) < call_request.expires_at:
            _set(job, State.RETRYING, attempt_count=count, next_attempt_at=timezone.now() + timedelta(seconds=delay))
            return delay
    _set(job, State.FAILED, attempt_count=count)
    return None


def _set(job, state, **fields):
    PushJob.objects.filter(pk=job.pk).update(state=state, lease_until=None, **fields)


def overdue_work(grace_seconds):
    """(subscribers whose requests may lack their pushes, pushes to attempt) that an enqueue or a worker lost."""
    since = timezone.now() - timedelta(seconds=grace_seconds)
    unplanned = (
        CallRequest.objects.open()
        .filter(
            created_at__lt=since,
            target__device_keys__push_target__isnull=False,
            target__device_keys__revoked_at__isnull=True,
        )
        .exclude(push_jobs__action=Action.SEND)
        .values_list("target_id", flat=True)
        .distinct()[:1000]
    )
    return list(unplanned), list(PushJob.objects.overdue(grace_seconds).values_list("pk", flat=True)[:1000])
