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


COSTLY_TYPES = (phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST)


@lru_cache(maxsize=4096)
def charges_the_caller(e164):
    """Whether dialling this (valid) number costs whoever dials it more than a call: premium-rate or shared-cost."""
    return phonenumbers.number_type(phonenumbers.parse(e164, None)) in COSTLY_TYPES


def callback_number_pattern(text):
    """An allowed callback number as typed: a valid number in international form ("+82 10-1234-5678" →
    "+821012345678") or a prefix ending in "*" ("+82215*", at least the country code and a digit); ValueError."""
    text = text.strip()
    if text.endswith("*"):
        digits = text[:-1].replace("-", "").replace(" ", "")
        if not (digits.startswith("+") and digits[1:].isdigit() and len(digits) >= 4):
            raise ValueError(text)
        return digits + "*"
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(text) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(text)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
