import pytest
from django.core.exceptions import ValidationError

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
