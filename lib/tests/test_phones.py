import pytest

from lib.phones import BadCountryCode, InvalidNumber, country_code, national_digits, normalise


@pytest.mark.parametrize(
    "number, iso, e164",
    [
        ("01011111111", "kr", "+821011111111"),
        ("010-1111-1111", "KR", "+821011111111"),
        ("+82 10 1111 1111", "Kr", "+821011111111"),
        ("(201) 555-0123", "us", "+12015550123"),
        ("020 7946 0018", "gb", "+442079460018"),
    ],
)
def test_it_normalises_a_valid_number_to_e164(number, iso, e164):
    assert normalise(number, iso).e164 == e164


@pytest.mark.parametrize(
    "number", ["", "   ", "12", "0101111111111111", "+14155550123", "abc", "1" * 40, "010\x001111"]
)
def test_it_refuses_a_number_that_is_not_valid_for_the_country(number):
    with pytest.raises(InvalidNumber):
        normalise(number, "kr")


@pytest.mark.parametrize("iso", ["", "k", "kor", "zz", "UK", "82", None, 82])
def test_it_refuses_a_country_phonenumbers_does_not_know(iso):
    with pytest.raises(BadCountryCode):
        country_code(iso)
    with pytest.raises(BadCountryCode):
        normalise("01011111111", iso)


def test_it_accepts_a_country_code_in_any_case():
    assert {country_code(code) for code in ("kr", "KR", "kR")} == {"KR"}


@pytest.mark.parametrize("e164, national", [("+821011111111", "01011111111"), ("+12015550123", "2015550123")])
def test_it_gives_the_number_as_dialled_in_its_country(e164, national):
    assert national_digits(e164) == national
