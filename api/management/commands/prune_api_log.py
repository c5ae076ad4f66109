from django.conf import settings
from django.core.management.base import BaseCommand

from api.models import ApiRequestLog, SeenRequest


class Command(BaseCommand):
    help = "Deletes API request log entries older than API_LOG_RETENTION_DAYS, and expired replay fingerprints."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.API_LOG_RETENTION_DAYS, help="keep this many days")

    def handle(self, days, **options):
        log_entries = ApiRequestLog.objects.prune(older_than_days=days)
        fingerprints = SeenRequest.objects.prune()
        self.stdout.write(f"Pruned {log_entries} log entries older than {days} days and {fingerprints} fingerprints.")
