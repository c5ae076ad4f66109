import phonenumbers

from lib.countries import by_code, choices, countries, search


def test_it_lists_every_region_phonenumbers_can_validate():
    assert {country.code for country in countries()} == set(phonenumbers.SUPPORTED_REGIONS)
    assert len(countries()) == len(phonenumbers.SUPPORTED_REGIONS)


def test_it_agrees_with_phonenumbers_on_every_dialling_code():
    for country in countries():
        assert country.dialling_code == phonenumbers.country_code_for_region(country.code), country


def test_it_names_every_country_in_english_and_korean():
    for country in countries():
        assert country.name_en.strip() and country.name_en != country.code, country
        assert any("\uac00" <= ch <= "\ud7a3" for ch in country.name_ko), country


def test_it_fixes_the_seed_list_s_wrong_codes():
    # The seed listed Kazakhstan as 73, Kenya as 255 and Slovenia as 421.
    assert by_code("kz").dialling_code == 7
    assert by_code("KE").dialling_code == 254
    assert by_code("si").dialling_code == 386
    assert by_code("kr").name_ko == "대한민국"


def test_it_finds_a_country_by_code_in_any_case_or_not_at_all():
    assert by_code("Kr") is by_code("KR") is by_code("kr")
    assert by_code("zz") is None
    assert by_code("") is None
    assert by_code(None) is None


def test_it_offers_choices_sorted_by_the_name_in_each_language():
    english = choices("en")
    korean = choices("ko")
    assert ("kr", "South Korea (+82)") in english
    assert ("kr", "대한민국 (+82)") in korean
    assert english[0][1].startswith("Afghanistan") and english[1][1].startswith("Åland")
    assert korean[0][1].startswith("가나")
    assert len(english) == len(korean) == len(countries())


def test_it_searches_codes_dialling_codes_and_both_names():
    assert [c.code for c in search("대한")] == ["KR"]
    assert "KR" in {c.code for c in search("+82")}
    assert "AX" in {c.code for c in search("aland")}
    assert {c.code for c in search("korea")} == {"KR", "KP"}
    assert search("") == countries()
    assert search("no such place") == ()


def test_it_finds_korea_by_the_names_koreans_and_others_use():
    for query in ("한국", "남한", "대한", "Korea, Republic", "South Korea", "ROK"):
        assert "KR" in {c.code for c in search(query)}, query
    assert [c.code for c in search("한국")] == ["KR"]
    assert [c.code for c in search("북한")] == ["KP"]
    assert {c.code for c in search("korea")} == {"KR", "KP"}
    assert "GB" in {c.code for c in search("영국")} and "JP" in {c.code for c in search("일본")}


def test_it_matches_dialling_codes_exactly_or_from_their_start():
    assert [c.code for c in search("+82")] == [c.code for c in search("82")] == ["KR"]
    starting_with_8 = {c.code for c in search("+8")}
    assert starting_with_8 == {c.code for c in countries() if str(c.dialling_code).startswith("8")}
    assert {"CK", "ME"}.isdisjoint(starting_with_8)
    assert {c.code for c in search("+1")} >= {"US", "CA"}
