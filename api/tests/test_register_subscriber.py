from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.models import Subscriber

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("register_subscriber", *args, stdout=out)
    return out.getvalue()


def test_it_registers_a_subscriber_in_e164():
    output = run("010-2222-3333", "KR", "--operator", "SKT", "--id", "Friend.One")

    subscriber = Subscriber.objects.get()
    assert (subscriber.number, subscriber.country, subscriber.operator, subscriber.public_id, subscriber.active) == (
        "+821022223333",
        "KR",
        "SKT",
        "friend.one",
        True,
    )
    assert "+821022223333" in output


def test_it_updates_and_reactivates_the_same_number():
    run("01022223333", "kr", "--operator", "SKT", "--id", "one")
    Subscriber.objects.update(active=False)

    run("+821022223333", "kr", "--operator", "KT")

    subscriber = Subscriber.objects.get()
    assert (subscriber.operator, subscriber.public_id, subscriber.active) == ("KT", None, True)


@pytest.mark.parametrize(
    "args, message",
    [
        (["0101", "kr", "--operator", "SKT"], "number"),
        (["01022223333", "zz", "--operator", "SKT"], "country"),
        (["01022223333", "kr", "--operator", "SKT", "--id", "no spaces"], "public_id"),
    ],
)
def test_it_refuses_bad_input_without_writing(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not Subscriber.objects.exists()


def test_it_refuses_an_id_taken_by_another_number():
    run("01022223333", "kr", "--operator", "SKT", "--id", "taken")

    with pytest.raises(CommandError, match="public_id"):
        run("01044445555", "kr", "--operator", "SKT", "--id", "TAKEN")
