from django.core.management.base import BaseCommand

from accounts import notify


class Command(BaseCommand):
    help = "Mails each developer once about their live tokens still under the legacy restriction (the worker does it hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"{notify.legacy_tokens()} developer(s) told")
