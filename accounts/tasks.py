"""The accounts' periodic job on the task queue's scheduler."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts import notify

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))
def mail_legacy_tokens():
    """Every hour: the owners of tokens still under the legacy restriction are told once."""
    sent = notify.legacy_tokens()
    if sent:
        log.info("Told %d developer(s) of their legacy tokens", sent)
