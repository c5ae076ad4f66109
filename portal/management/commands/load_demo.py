from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import ApiToken
from api import demo as api_demo
from api.models import Subscriber
from device import demo as device_demo

DEMO_EMAIL = "demo@callbacknow.test"
DEMO_PASSWORD = "callbacknow-demo"
DEMO_HOST = "localhost"


class Command(BaseCommand):
    help = (
        "Loads demo data: a verified demo developer with a token for localhost, the API's demo subscribers "
        "and a device key for the demo subscriber's phone."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username="demo", defaults={"email": DEMO_EMAIL})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True})
        token = ApiToken.objects.for_owner(user).live().filter(host=DEMO_HOST).first()
        if token is None:
            token, plaintext = ApiToken.issue(user, "Demo site", DEMO_HOST)
            self.stdout.write(f"Demo token for {DEMO_HOST} (shown once): {plaintext}")
        else:
            self.stdout.write(f"Demo token for {DEMO_HOST}: {token.masked} (sign in to reveal it)")
        api_demo.load(self.stdout)
        device_demo.load(self.stdout)
        test_token = ApiToken.test_token_for(user)
        self.stdout.write(f"Demo test token (test mode: magic numbers and test phones only): {test_token.secret}")
        phone = Subscriber.objects.test_phones_of(user).first() or Subscriber.create_test_phone(user)
        self.stdout.write(f"Demo test phone: {phone.national_number}/kr, ID {phone.public_id} (open it at /test-mode/)")
        self.stdout.write(f"Demo developer: {DEMO_EMAIL} / {DEMO_PASSWORD}")
