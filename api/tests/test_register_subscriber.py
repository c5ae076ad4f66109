from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api import testmode
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


@pytest.mark.parametrize("number", ["01000000000", "010-0000-0001", "+82 10-0001-2345", "01000099999"])
def test_it_refuses_a_number_of_the_range_reserved_for_test_phones(number):
    with pytest.raises(CommandError, match="number: This number is in the range reserved for test phones."):
        run(number, "kr", "--operator", "SKT")

    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("public_id", ["test-friend", "Test-Friend", "TEST-answers"])
def test_it_refuses_an_id_reserved_for_test_phones(public_id):
    with pytest.raises(CommandError, match="public_id: IDs starting with “test-” are reserved for test phones."):
        run("01022223333", "kr", "--operator", "SKT", "--id", public_id)

    assert not Subscriber.objects.exists()


def test_it_takes_the_numbers_just_outside_the_reserved_range():
    run("01000100000", "kr", "--operator", "SKT")

    assert Subscriber.objects.get().number == "+821000100000"


def test_it_leaves_a_test_subscriber_with_that_number_as_it_was(developer):
    """A magic number's subscriber (or a test phone) exists already: registration refuses, never turns it live."""
    magic = Subscriber.magic(testmode.OUTCOMES[0])
    phone = Subscriber.create_test_phone(developer)

    for subscriber in (magic, phone):
        with pytest.raises(CommandError, match="reserved for test phones"):
            run(subscriber.number, "kr", "--operator", "Hijacked", "--id", "friend")
        before = (subscriber.operator, subscriber.public_id, subscriber.is_test, subscriber.test_owner_id)
        subscriber.refresh_from_db()
        assert (subscriber.operator, subscriber.public_id, subscriber.is_test, subscriber.test_owner_id) == before
