"""Puts back on the task queue the webhook work that was lost: events whose enqueue after commit failed, and
deliveries whose worker died mid-attempt (once their lease has expired). The workers' scheduler runs the same
sweep every minute; this runs it now, e.g. right after a worker was killed, or from cron where no worker runs
the periodic tasks. WEBHOOK_SWEEP_GRACE_SECONDS says how late a queued delivery must be to count as lost."""

from django.core.management.base import BaseCommand

from webhooks import tasks


class Command(BaseCommand):
    help = "Puts back on the task queue the webhook events and deliveries that a lost enqueue or a dead worker dropped."

    def handle(self, *args, **options):
        tasks.sweep.call_local()
