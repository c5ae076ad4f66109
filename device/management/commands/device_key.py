from django.core.management.base import BaseCommand, CommandError

from api.models import Subscriber
from device.models import DEFAULT_NAME, DeviceKey
from lib import phones


class Command(BaseCommand):
    help = "Creates a device key for a subscriber's CallbackNow app and prints only the key (it is shown once)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="the subscriber's number as dialled in the country, or in E.164")
        parser.add_argument("iso", help="ISO 3166 country code, for example kr")
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"the key's name (default: {DEFAULT_NAME})")

    def handle(self, *args, number, iso, name, **options):
        try:
            phone = phones.normalise(number, iso)
        except phones.BadCountryCode:
            raise CommandError(f"“{iso}” is not an ISO 3166 country code.") from None
        except phones.InvalidNumber:
            raise CommandError(f"“{number}” is not a valid phone number of {iso.upper()}.") from None
        subscriber = Subscriber.objects.for_number(phone.e164)
        if subscriber is None:
            raise CommandError(
                f"No active subscriber has the number {phone.e164}: register it first (register_subscriber)."
            )
        _key, plaintext = DeviceKey.issue(subscriber, name.strip()[:100] or DEFAULT_NAME)
        self.stdout.write(plaintext)
