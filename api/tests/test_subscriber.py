import pytest
from django.core.exceptions import ValidationError

from api import testmode
from api.models import Subscriber

pytestmark = pytest.mark.django_db


def test_it_finds_an_active_subscriber_by_e164_number(target):
    assert Subscriber.objects.for_number("+821011111111") == target
    assert Subscriber.objects.for_number("+821099999999") is None

    target.active = False
    target.save()

    assert Subscriber.objects.for_number("+821011111111") is None


@pytest.mark.parametrize("public_id", ["airpagephone", "AIRPAGEPHONE", " airpagephone "])
def test_it_finds_a_subscriber_by_public_id_in_any_case(target, public_id):
    assert Subscriber.objects.by_public_id(public_id) == target


@pytest.mark.parametrize("public_id", ["", "air page", "nul\x00", "x" * 65, None, "-dash-first"])
def test_it_finds_nobody_for_what_cannot_be_an_id(target, public_id, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Subscriber.objects.by_public_id(public_id) is None


def test_it_normalises_on_validation():
    subscriber = Subscriber(number="010-2222-3333", country="kr", operator="KT", public_id="Mixed.Case")

    subscriber.full_clean()

    assert (subscriber.number, subscriber.country, subscriber.public_id) == ("+821022223333", "KR", "mixed.case")


def test_it_refuses_a_second_subscriber_with_the_same_number(target):
    with pytest.raises(ValidationError):
        Subscriber(number="+821011111111", country="KR", operator="KT").full_clean()


def test_it_answers_with_the_national_number(target):
    assert (target.iso, target.national_number) == ("kr", "01011111111")


def test_it_refuses_to_register_a_live_subscriber_in_the_test_range_or_with_a_test_id():
    with pytest.raises(ValidationError) as number:
        Subscriber.register("010-0000-0001", "kr", "SKT")
    with pytest.raises(ValidationError) as public_id:
        Subscriber.register("01022223333", "kr", "SKT", public_id="test-answers")

    assert number.value.message_dict == {"number": ["This number is in the range reserved for test phones."]}
    assert public_id.value.message_dict == {"public_id": ["IDs starting with “test-” are reserved for test phones."]}
    assert not Subscriber.objects.exists()


def test_it_refuses_to_register_over_a_magic_numbers_subscriber():
    magic = Subscriber.magic(testmode.OUTCOMES[0])

    with pytest.raises(ValidationError):
        Subscriber.register(magic.national_number, "kr", "SKT")

    magic.refresh_from_db()
    assert (magic.is_test, magic.operator, magic.public_id) == (True, testmode.MAGIC_OPERATOR, "test-answers")
