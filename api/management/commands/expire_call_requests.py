from django.core.management.base import BaseCommand

from api.models import CallRequest


class Command(BaseCommand):
    help = "Marks pending call requests past CALL_REQUEST_TTL_SECONDS as expired (the API already ignores them)."

    def handle(self, **options):
        self.stdout.write(f"Expired {CallRequest.objects.expire_due()} call requests.")
