from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import Subscriber


class Command(BaseCommand):
    help = (
        "Registers a CallbackNow user as a call request target (or updates and reactivates the one with that number)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="phone number as dialled in the country, or in E.164")
        parser.add_argument("iso", help="ISO 3166 country code, for example kr")
        parser.add_argument("--operator", required=True, help="operator name shown in API answers (opname)")
        parser.add_argument("--id", dest="public_id", help="public ID for neocallback/neocancel")

    def handle(self, number, iso, operator, public_id, **options):
        try:
            subscriber = Subscriber.register(number, iso, operator, public_id)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            ) from None
        suffix = f", ID {subscriber.public_id}" if subscriber.public_id else ""
        self.stdout.write(f"Registered {subscriber.number} ({subscriber.country}, {subscriber.operator}{suffix})")
