from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import ApiToken
from api import testmode
from api.models import Subscriber

pytestmark = pytest.mark.django_db


def test_it_registers_the_seeds_example_target_once():
    out = StringIO()

    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)

    subscriber = Subscriber.objects.live().get()  # beside the demo developer's test phone
    assert (subscriber.number, subscriber.iso, subscriber.operator, subscriber.public_id, subscriber.active) == (
        "+821011111111",
        "kr",
        "SRTelecom",
        "airpagephone",
        True,
    )
    assert "Demo subscriber: 01011111111/kr (SRTelecom, ID airpagephone)" in out.getvalue()


def test_it_gives_the_demo_developer_one_test_token_and_one_test_phone():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    token = ApiToken.objects.test().get()
    phone = Subscriber.objects.test().get()
    assert (token.owner.email, token.state, phone.test_owner) == ("demo@callbacknow.test", "active", token.owner)
    assert testmode.is_test_number(phone.number) and phone.public_id.startswith("test-")
    for out in (first, second):
        assert f"Demo test token (test mode: magic numbers and test phones only): {token.secret}" in out.getvalue()
        assert f"Demo test phone: {phone.national_number}/kr, ID {phone.public_id}" in out.getvalue()
