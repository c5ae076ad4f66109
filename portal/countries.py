"""The country table: ISO codes and dialling codes from phonenumbers, names from pycountry. Pure, no database.

The one source for the documentation table and every country selector of the portal.
"""

import gettext
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import pycountry


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, upper case
    dialling_code: int
    name_en: str
    name_ko: str

    @property
    def iso(self):
        """The lower-case code the API's examples use ("kr")."""
        return self.code.lower()

    def name(self, language):
        return self.name_ko if (language or "").startswith("ko") else self.name_en


# Regions phonenumbers dials that ISO 3166-1 (and so pycountry) does not list.
_NOT_IN_ISO_3166 = {
    "AC": ("Ascension Island", "어센션섬"),
    "TA": ("Tristan da Cunha", "트리스탄다쿠냐"),
    "XK": ("Kosovo", "코소보"),
}


@lru_cache(maxsize=1)
def _korean():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ko"], fallback=True)


def _english_name(record):
    return getattr(record, "common_name", None) or record.name


@lru_cache(maxsize=1)
def countries():
    """Every region phonenumbers can validate numbers for, sorted by English name."""
    rows = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        record = pycountry.countries.get(alpha_2=code)
        if record:
            name_en, name_ko = _english_name(record), _korean().gettext(record.name)
        else:
            name_en, name_ko = _NOT_IN_ISO_3166.get(code, (code, code))
        rows.append(Country(code, phonenumbers.country_code_for_region(code), name_en, name_ko))
    return tuple(sorted(rows, key=lambda row: row.name_en))


def by_code(code):
    """The country for an ISO code in any letter case, or None."""
    return _index().get((code or "").upper())


@lru_cache(maxsize=1)
def _index():
    return {country.code: country for country in countries()}


def choices(language):
    """(iso, label) pairs for a form's select, sorted by the name in that language."""
    rows = sorted(countries(), key=lambda c: c.name(language))
    return [(c.iso, f"{c.name(language)} (+{c.dialling_code})") for c in rows]
