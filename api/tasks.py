"""The API's periodic jobs on the task queue's scheduler: expiry on time, and pruning what retention allows."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from api.models import ApiRequestLog, CallRequest, SeenRequest

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def expire_call_requests():
    """Every minute: open requests past their expiry become expired (with their .expired webhooks)."""
    expired = CallRequest.objects.expire_due()
    if expired:
        log.info("Expired %d call request(s)", expired)


@db_periodic_task(crontab(minute="7", hour="3"))
def prune_api_log():
    ApiRequestLog.objects.prune()


@db_periodic_task(crontab(minute="*/10"))
def prune_seen_requests():
    SeenRequest.objects.prune()


# The tasks that play test mode's magic outcomes live beside the code that schedules them; the worker finds them here.
from api import play  # noqa: E402, F401
