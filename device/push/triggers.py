"""What has the worker push: a change of a subscriber's call requests (api.changes' topic "s:<subscriber>", heard
after its commit in the process that made it) enqueues the planning of its pushes, if the subscriber has a device
with a push target. The API's answer waits for none of it: the topic is handed to one thread of the process, which
looks the targets up and enqueues (a stalled database or Redis delays pushes, never an answer)."""

import logging
import time

from django.db import close_old_connections

from device.models import PushTarget
from lib.background import Drain

log = logging.getLogger(__name__)
MEMO_SECONDS = 5
_memo = {}


def on_change(topic, origin=None):
    if topic.startswith("s:"):
        _PLANNER.put(int(topic[2:]))


def _plan_all(batch):
    for subscriber_id in set(batch):  # a burst of changes to one subscriber: one enqueue
        plan(subscriber_id)
    close_old_connections()


def plan(subscriber_id):
    try:
        if has_targets(subscriber_id):
            from device import tasks

            tasks.push_subscriber(subscriber_id)
    except Exception as exc:  # the queue or the database away: the sweeper finds the request later
        log.warning("pushes of subscriber %s not enqueued (the sweeper will): %s", subscriber_id, type(exc).__name__)


def has_targets(subscriber_id):
    """Whether a device of the subscriber has a push target: remembered a few seconds per process, so that a burst
    of requests to one subscriber costs one query. A target registered through another process is heard here
    within MEMO_SECONDS; a request sent to it meanwhile is pushed by the sweeper (device.tasks)."""
    now = time.monotonic()
    found = _memo.get(subscriber_id)
    if found is None or found[1] < now:
        exists = PushTarget.objects.filter(
            device_key__subscriber_id=subscriber_id, device_key__revoked_at__isnull=True
        ).exists()
        if len(_memo) > 10000:
            _memo.clear()
        found = _memo[subscriber_id] = (exists, now + MEMO_SECONDS)
    return found[0]


def targets_changed(subscriber_id):
    _memo.pop(subscriber_id, None)


_PLANNER = Drain("push-planner", _plan_all)
