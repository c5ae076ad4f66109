"""Phone numbers of the API: the country code and number as a caller sends them, validated and
normalised with phonenumbers. Pure, no database."""

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from lib.countries import by_code

MAX_NUMBER_LENGTH = 32


class BadCountryCode(ValueError):
    """The text is not an ISO 3166 alpha-2 code that phonenumbers knows."""


class InvalidNumber(ValueError):
    """The text is not a valid phone number of the given country."""


@dataclass(frozen=True)
class Phone:
    e164: str  # "+821011111111"
    country: str  # ISO code, upper case ("KR")


def country_code(iso):
    """The upper-case ISO code for a country code in any letter case, or BadCountryCode."""
    country = by_code(iso) if isinstance(iso, str) and len(iso) == 2 else None
    if country is None:
        raise BadCountryCode(iso)
    return country.code


def normalise(number, iso):
    """The number as E.164 if it is valid for that country (separators and a leading + allowed)."""
    country = country_code(iso)
    if not isinstance(number, str) or not number.strip() or len(number) > MAX_NUMBER_LENGTH:
        raise InvalidNumber(number)
    return _valid(number, country)


@lru_cache(maxsize=4096)  # a caller sends the same numbers again and again; parsing one costs a call a tenth
def _valid(number, country):
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(number) from exc
    if not phonenumbers.is_valid_number_for_region(parsed, country):
        raise InvalidNumber(number)
    return Phone(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), country)


@lru_cache(maxsize=4096)  # asked for the target of every call by ID
def national_digits(e164):
    """How people of the number's country dial it, digits only ("+821011111111" → "01011111111")."""
    parsed = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())
