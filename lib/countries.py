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

    @property
    def aliases(self):
        """Other names people search for ("한국", "UK"), in both languages."""
        return ALIASES.get(self.code, ())

    def search_text(self):
        """What a name search looks in: ISO code, both names and the aliases, folded."""
        return fold(" ".join((self.code, self.name_en, self.name_ko, *self.aliases)))


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


# Names a search should find besides the listed ones: everyday, short and formal names in both languages.
ALIASES = {
    "KR": ("한국", "남한", "대한민국", "Korea", "South Korea", "Republic of Korea", "Korea, Republic of", "ROK"),
    "KP": ("북한", "조선", "조선민주주의인민공화국", "North Korea", "DPRK"),
    "US": ("미국", "미합중국", "USA", "US", "America", "United States of America"),
    "GB": ("영국", "UK", "Great Britain", "Britain", "England", "잉글랜드"),
    "JP": ("일본", "Nippon", "Nihon"),
    "CN": ("중국", "중화인민공화국", "PRC"),
    "TW": ("타이완", "Republic of China"),
    "AE": ("UAE", "아랍 에미리트"),
    "NL": ("Holland", "네덜란드", "홀란드"),
    "CZ": ("Czech Republic", "체코 공화국"),
    "VN": ("Viet Nam", "월남"),
    "RU": ("Russian Federation", "러시아 연방"),
    "DE": ("Deutschland",),
    "CH": ("Swiss", "Schweiz"),
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
    """Countries matching the query: a dialling code ("+82", "82", "+8") matches the codes starting with it;
    any other text matches the ISO code, the English or Korean name or an alias ("한국", "UK") containing it."""
    needle = fold((query or "").strip()).lstrip("+").strip()
    if not needle:
        return countries()
    if needle.isascii() and needle.isdigit():
        return tuple(country for country in countries() if str(country.dialling_code).startswith(needle))
    return tuple(country for country in countries() if needle in country.search_text())
