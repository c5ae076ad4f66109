from io import StringIO

import pytest
from django.core.management import call_command

from api.models import Subscriber

pytestmark = pytest.mark.django_db


def test_it_registers_the_seeds_example_target_once():
    out = StringIO()

    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)

    subscriber = Subscriber.objects.live().get()
    assert (subscriber.number, subscriber.iso, subscriber.operator, subscriber.public_id, subscriber.active) == (
        "+821011111111",
        "kr",
        "SRTelecom",
        "airpagephone",
        True,
    )
    assert "Demo subscriber: 01011111111/kr (SRTelecom, ID airpagephone)" in out.getvalue()
    # And the demo developer's test mode, once: a test token, and a test phone of the reserved range.
    phone = Subscriber.objects.test().get()
    assert phone.test_owner.email == "demo@callbacknow.test" and phone.number.startswith("+8210000")
    assert out.getvalue().count("Demo test token (test mode") == 2
    assert f"Demo test phone: {phone.national_number}/kr, ID {phone.public_id}" in out.getvalue()
