"""The country table: ISO codes and dialling codes from phonenumbers, names from pycountry. Pure, no database.

The one source for the documentation table and every country selector of the portal.
"""

import gettext
import unicodedata
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


# The everyday names people look for, where ISO's formal name reads oddly in a list ("Korea, Republic of").
_COMMON_EN = {
    "BN": "Brunei",
    "CD": "Congo (Democratic Republic)",
    "CG": "Congo (Republic)",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}
_COMMON_KO = {
    "AU": "호주",
    "BN": "브루나이",
    "BO": "볼리비아",
    "IR": "이란",
    "KP": "북한",
    "LA": "라오스",
    "MD": "몰도바",
    "RU": "러시아",
    "SY": "시리아",
    "TW": "대만",
    "TZ": "탄자니아",
    "VA": "바티칸",
    "VE": "베네수엘라",
    "VG": "영국령 버진아일랜드",
    "VI": "미국령 버진아일랜드",
}


@lru_cache(maxsize=1)
def _korean():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ko"], fallback=True)


def _english_name(record):
    return _COMMON_EN.get(record.alpha_2) or getattr(record, "common_name", None) or record.name


def _sort_key(name):
    """Accents folded, so that Åland sorts with the A's and Côte d'Ivoire with the C's."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def countries():
    """Every region phonenumbers can validate numbers for, sorted by English name."""
    rows = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        record = pycountry.countries.get(alpha_2=code)
        if record:
            name_en = _english_name(record)
            name_ko = _COMMON_KO.get(code) or _korean().gettext(record.name)
        else:
            name_en, name_ko = _NOT_IN_ISO_3166.get(code, (code, code))
        rows.append(Country(code, phonenumbers.country_code_for_region(code), name_en, name_ko))
    return tuple(sorted(rows, key=lambda row: _sort_key(row.name_en)))


def by_code(code):
    """The country for an ISO code in any letter case, or None."""
    return _index().get((code or "").upper())


@lru_cache(maxsize=1)
def _index():
    return {country.code: country for country in countries()}


def choices(language):
    """(iso, label) pairs for a form's select, sorted by the name in that language."""
    rows = sorted(countries(), key=lambda c: _sort_key(c.name(language)))
    return [(c.iso, f"{c.name(language)} (+{c.dialling_code})") for c in rows]


def fold(text):
    """Lower case without accents: what the country search compares ("aland" finds "Åland")."""
    return _sort_key(text)


def search(query):
    """Countries whose ISO code, dialling code (with or without "+") or English or Korean name contains the query."""
    needle = fold((query or "").strip()).lstrip("+")
    if not needle:
        return countries()
    return tuple(
        country
        for country in countries()
        if needle in fold(f"{country.code} +{country.dialling_code} {country.name_en} {country.name_ko}")
    )
