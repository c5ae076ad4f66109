import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import ApiToken
from api import reasons

SECTIONS_EN = [
    "Developer registration (apply for a token)",
    "Open API test page",
    "Download CallbackNow",
    "A. Calling with GET",
    "B. Sending the request encrypted with the token (POST)",
    "C. API responses",
    "D. JSONP and cross-origin calls",
    "H. Test page",
    "I. ISO country codes",
]
SECTIONS_KO = [
    "개발자 등록 (토큰 신청)",
    "오픈 API 테스트 페이지",
    "시시콜콜(CallbackNow) 내려받기",
    "A. GET으로 호출하기",
    "B. API 요청을 토큰으로 암호화하여 전송하기 (POST)",
    "C. API 응답",
    "D. JSONP와 다른 도메인에서 호출하기",
    "H. 테스트 페이지",
    "I. 국가별 ISO 코드",
]


def text(response):
    return response.content.decode()


def country_rows(response):
    return re.findall(r"<tr[^>]*><td><code>([A-Z]{2})</code></td><td>\+(\d+)</td>", text(response))


def shown_country_codes(response):
    return re.findall(r"<tr(?: data-[a-z]+=\"[^\"]*\")*><td><code>([A-Z]{2})</code>", text(response))


@pytest.mark.parametrize(("language", "sections"), [("en", SECTIONS_EN), ("ko", SECTIONS_KO)])
def test_it_renders_every_section_in_the_browser_s_language(client, language, sections):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = text(response)
    assert f'<html lang="{language}">' in page
    for heading in sections:
        assert heading in page, heading
    for anchor in ("get", "post", "responses", "tester", "countries", "jsonp"):
        assert f'id="{anchor}"' in page


def test_it_speaks_korean_throughout_when_asked(client):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9"))
    for phrase in ("토큰이 곧 비밀번호입니다", "실패 사유", "국가 번호", "245개 중 245개 표시", "로그인", "복사"):
        assert phrase in page, phrase
    for english in ("The token is the secret", "Failure reasons", "Dialling code", "Sign in"):
        assert english not in page, english


def test_it_remembers_the_language_chosen_with_the_switcher(client):
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    later = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "A. GET으로 호출하기" in text(later)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "A. Calling with GET" in text(client.get("/", HTTP_ACCEPT_LANGUAGE="ko"))


def test_it_links_registration_the_test_page_and_the_app_store(client):
    page = text(client.get("/"))
    assert 'href="/accounts/signup/"' in page
    assert 'href="/tester/"' in page
    assert f'href="{settings.APP_STORE_URL}"' in page
    assert 'href="/openapi.json"' in page
    assert 'href="/examples/jsonp/"' in page


def test_it_builds_the_examples_from_this_site_s_address(client):
    page = text(client.get("/", HTTP_HOST="127.0.0.1:8000"))
    assert (
        "curl &#x27;http://127.0.0.1:8000/YOUR_TOKEN/callback/01010041004/kr/01011111111/kr/hello%20world&#x27;" in page
    )
    assert "curl &#x27;http://127.0.0.1:8000/YOUR_TOKEN/neocancel/01010041004/kr/airpagephone&#x27;" in page
    assert "http://127.0.0.1:8000/callback/callback_api.php" in page
    assert "?callback=mycallbackfunction" in page


def unverified(user):
    """A developer whose address is not confirmed (a token issued by staff): no test token, the live one masked."""
    EmailAddress.objects.filter(user=user).update(verified=False)
    return user


def test_it_shows_an_unverified_developer_s_live_token_masked_never_in_full(owner_client, developer, issued):
    unverified(developer)
    token, plaintext = issued
    page = text(owner_client.get("/"))
    assert plaintext not in page
    assert f"/{token.masked}/callback/01010041004/kr/01011111111/kr/hello%20world" in page
    assert f"$myToken = &quot;{token.masked}&quot;;" in page
    # Only the first call (a magic number, which a test token alone reaches) keeps the placeholder.
    assert "YOUR_TOKEN" not in page.partition('<section class="start-links"')[2]
    assert f'href="/tokens/{token.pk}/"' in page


def test_it_shows_an_outsider_only_placeholders_not_another_developer_s_token(outsider_client, outsider, issued):
    unverified(outsider)
    token, plaintext = issued
    page = text(outsider_client.get("/"))
    assert token.masked not in page and plaintext not in page
    assert "/YOUR_TOKEN/callback/" in page
    assert "You have no active token yet" in page
    assert 'href="/tokens/apply/"' in page


def test_it_uses_an_active_token_and_the_host_a_wildcard_allows(owner_client, developer):
    unverified(developer)
    ApiToken.issue(developer, "Wildcard", "*.example.org")
    pending, _plaintext = ApiToken.issue(developer, "Later", "later.example")
    pending.suspend()
    page = text(owner_client.get("/"))
    assert pending.masked not in page
    # The bare domain, which "*.example.org" allows too, as the test page sends it.
    assert "Referer: http://$HOST/" in page and "HOST=&#x27;example.org&#x27;" in page


def test_it_tables_every_failure_reason_with_its_status(client):
    page = text(client.get("/"))
    rows = re.findall(r'<tr id="reason-([a-z_]+)"><th scope="row"><code>([^<]+)</code></th><td>(\d+)</td>', page)
    assert rows == [(r.code.lower(), r.text, str(r.status)) for r in reasons.ALL]


def test_it_tables_every_failure_reason_in_korean_too(client):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="ko"))
    for reason in reasons.ALL:
        assert f"<code>{reason.text}</code>" in page  # the wire text stays English


def test_it_lists_all_245_countries_with_codes_from_phonenumbers(client):
    import phonenumbers

    rows = country_rows(client.get("/"))
    assert len(rows) == 245
    assert {code for code, _dial in rows} == set(phonenumbers.SUPPORTED_REGIONS)
    for code, dialling_code in rows:
        assert int(dialling_code) == phonenumbers.country_code_for_region(code), code


def test_it_filters_the_country_table_on_the_server_without_javascript(client):
    response = client.get("/", {"q": "대한"})
    page = text(response)
    assert len(country_rows(response)) == 245  # all present, the rest hidden
    assert shown_country_codes(response) == ["KR"]
    assert '<td><code>KR</code></td><td>+82</td><td>South Korea</td><td lang="ko">대한민국</td></tr>' in page
    assert "Showing 1 of 245" in page
    assert 'value="대한"' in page


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("한국", ["KR"]),
        ("남한", ["KR"]),
        ("Republic of Korea", ["KR"]),
        ("북한", ["KP"]),
        ("USA", ["US"]),
        ("UK", ["UA", "GB"]),
        ("+82", ["KR"]),
        ("82", ["KR"]),
        ("+382", ["ME"]),
    ],
)
def test_it_finds_countries_by_everyday_names_and_exact_dialling_codes(client, query, codes):
    assert shown_country_codes(client.get("/", {"q": query})) == codes


def test_it_matches_a_dialling_code_from_its_start(client):
    codes = shown_country_codes(client.get("/", {"q": "+8"}))
    assert {"KR", "KP", "JP", "CN"} <= set(codes)
    assert "CK" not in codes and "ME" not in codes  # +682 and +382 only contain an 8


def test_it_says_so_when_no_country_matches(client):
    page = text(client.get("/", {"q": "atlantis"}))
    assert "Showing 0 of 245" in page
    assert '<tr class="no-match"><td colspan="4">No country matches.</td></tr>' in page


def test_it_never_fails_on_odd_search_text(client):
    for query in ("<script>", "%", "+", "a" * 5000, "\u0000"):
        assert client.get("/", {"q": query}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "foot_once"),
    [
        ("en", "What the encrypted POST cannot protect", "is accepted once per token, whatever the other fields say"),
        ("ko", "암호화 POST가 막지 못하는 것", "다른 필드가 무엇이든 토큰마다 한 번만 받습니다"),
    ],
)
def test_it_says_what_the_seed_s_encrypted_post_cannot_protect(client, language, heading, foot_once):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    section = page[page.index('id="post-limits"') :]

    assert heading in section[:200]
    assert foot_once in section
    assert "replayed request" in section and "HTTPS" in section
