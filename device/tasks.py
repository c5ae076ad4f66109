"""The pushes' work on the task queue (Huey): planning a subscriber's pushes, each push and its retries, and the
sweeper that puts back what was lost."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from device.push import sending

log = logging.getLogger(__name__)
SWEEP_GRACE_SECONDS = 30


@db_task()
def push_subscriber(subscriber_id):
    """Plans the subscriber's pushes and makes their first attempts at once, in this task: a second trip through the
    queue would add its polling delay to every push (bench/README.md, Pushes)."""
    for job_id in sending.plan(subscriber_id):
        attempt(job_id)


@db_task()
def push(job_id):
    attempt(job_id)


def attempt(job_id):
    delay = sending.attempt(job_id)
    if delay is not None:
        push.schedule((job_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))
def sweep_pushes():
    subscribers, jobs = sending.overdue_work(SWEEP_GRACE_SECONDS)
    for subscriber_id in subscribers:
        push_subscriber(subscriber_id)
    for job_id in jobs:
        push(job_id)
    if subscribers or jobs:
        log.info("Push sweeper put back %d subscriber(s) and %d push(es)", len(subscribers), len(jobs))
