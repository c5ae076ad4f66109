"""manage.py load_demo (what `make run` runs) gives the demo subscriber's phone a key, and shows it once."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from device.models import DeviceKey

pytestmark = pytest.mark.django_db


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_shows_a_new_demo_device_key_once_then_says_how_to_make_another():
    first = load_demo()
    second = load_demo()

    shown = re.search(r"Demo device key for 01011111111/kr \(shown once\): (cbnd_\w+)", first)
    assert shown, first
    key = DeviceKey.objects.find_active(shown.group(1))
    assert key.subscriber.national_number == "01011111111"
    assert DeviceKey.objects.count() == 1
    assert shown.group(1) not in second
    assert f"Demo device key for 01011111111/kr: {key.masked} exists; it cannot be shown again." in second
    assert "manage.py device_key 01011111111 kr" in second


def test_it_makes_a_new_one_when_the_demo_key_was_revoked():
    load_demo()
    DeviceKey.objects.get().revoke()

    again = load_demo()

    assert "(shown once): cbnd_" in again
    assert DeviceKey.objects.active().count() == 1
