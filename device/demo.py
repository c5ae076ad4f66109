"""The device API's demo data: a key for the demo subscriber's phone, so that `make run` can show the app's side."""

from api import demo as api_demo
from api.models import Subscriber
from device.models import DeviceKey
from lib import phones


def load(stdout):
    """Creates a device key for the demo subscriber (api.demo) unless it has one; run after api.demo.load."""
    number, iso = api_demo.DEMO_SUBSCRIBERS[0][:2]
    subscriber = Subscriber.objects.get(number=phones.normalise(number, iso).e164)
    existing = DeviceKey.objects.for_subscriber(subscriber).active().first()
    if existing is None:
        _key, plaintext = DeviceKey.issue(subscriber, "Demo phone")
        stdout.write(f"Demo device key for {number}/{iso} (shown once): {plaintext}")
    else:
        stdout.write(
            f"Demo device key for {number}/{iso}: {existing.masked} exists; it cannot be shown again. "
            f"Make another with: manage.py device_key {number} {iso}"
        )
