"""accounts.templatetags.tokens: hosts and activity details as people read them, in Korean and English."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, TokenEvent
from accounts.templatetags.tokens import event_detail, host_display


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("xn--3e0b707e.kr", "한국.kr (xn--3e0b707e.kr)"),
        ("*.xn--3e0b707e.kr", "*.한국.kr (*.xn--3e0b707e.kr)"),
        ("example.com", "example.com"),
        ("127.0.0.1", "127.0.0.1"),
        ("xn--broken--.kr", "xn--broken--.kr"),
    ],
)
def test_it_shows_an_international_host_in_its_own_script_with_the_stored_form(stored, shown):
    assert host_display(stored) == shown


def event(kind, **data):
    return TokenEvent(kind=kind, data=data)


@pytest.mark.parametrize(
    ("kind", "data", "korean"),
    [
        ("revealed", {"where": "test_page"}, "테스트 페이지에서"),
        ("approved", {"automatic": True}, "자동"),
        ("rolled", {"grace_seconds": 3600}, "기존 토큰 유예 기간: 1시간"),
        ("rolled", {"grace_seconds": 0}, "기존 토큰은 즉시 중지"),
        ("rolled", {"grace_seconds": 90}, "기존 토큰 유예 기간: 90초"),
        (
            "host_changed",
            {"old_host": "example.com", "new_host": "xn--3e0b707e.kr", "awaits_approval": True},
            "example.com → 한국.kr (xn--3e0b707e.kr) (승인 대기)",
        ),
        (
            "host_changed",
            {"old_host": "a.example.com", "new_host": "b.example.com", "awaits_approval": False},
            "a.example.com → b.example.com",
        ),
        ("issued", {"host": "xn--3e0b707e.kr"}, "한국.kr (xn--3e0b707e.kr)"),
        ("rejected", {"reason": "No such website"}, "No such website"),
        ("renamed", {"old_name": "내 사이트", "new_name": "Checkout"}, "내 사이트 → Checkout"),
        ("approved", {}, ""),
        ("revealed", {}, ""),
        ("suspended", {"text": "an old detail in no known shape"}, "an old detail in no known shape"),
    ],
)
def test_it_says_each_kind_of_event_s_values_in_korean(kind, data, korean):
    with translation.override("ko"):
        assert event_detail(event(kind, **data)) == korean


def test_it_keeps_english_details_readable_in_english():
    with translation.override("en"):
        assert event_detail(event("revealed", where="test_page")) == "on the test page"
        assert (
            event_detail(event("host_changed", old_host="a.com", new_host="b.com", awaits_approval=True))
            == "a.com → b.com (awaits approval)"
        )


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("approved", {"automatic": True}),
        ("revealed", {"where": "test_page"}),
        *(("rolled", {"grace_seconds": seconds}) for seconds in (0, 90, 3600, 86400, 604800)),
        ("host_changed", {"old_host": "example.com", "new_host": "shop.example.org", "awaits_approval": True}),
        ("issued", {"host": "example.com", "restriction": "websites"}),
        ("restricted", {"old_restriction": "legacy", "new_restriction": "websites"}),
        ("callback_numbers", {"numbers": []}),
    ],
)
def test_it_shows_korean_readers_no_english_word_beyond_the_hosts(kind, data):
    with translation.override("ko"):
        shown = event_detail(event(kind, **data))
    words = shown.replace("shop.example.org", "").replace("example.com", "")
    assert re.search("[가-힣]", words) and not re.search("[A-Za-z]", words), shown


def test_it_names_events_as_nouns_distinct_from_states():
    with translation.override("ko"):
        assert str(TokenEvent.Kind.REJECTED.label) == "거절"
        assert str(ApiToken.State.REJECTED.label) == "거절됨"
        assert [str(label) for _, label in TokenEvent.Kind.choices] == [
            "발급",
            "승인",
            "거절",
            "정지",
            "재개",
            "폐기",
            "재발급",
            "전체 보기",
            "이름 변경",
            "호스트 변경",
            "요청 한도 변경",
            "제한 변경",
            "콜백 번호 변경",
        ]


def test_it_shows_the_korean_host_on_the_developer_s_pages(owner_client, developer):
    token, _ = ApiToken.issue(developer, "Shop", "xn--3e0b707e.kr")
    for page in ("accounts:token_list", "accounts:token_detail"):
        args = [token.pk] if page.endswith("detail") else []
        assert "한국.kr (xn--3e0b707e.kr)" in owner_client.get(reverse(page, args=args)).content.decode()


def test_it_shows_the_korean_host_in_the_admin_list(client, staff, developer):
    client.force_login(staff)
    ApiToken.issue(developer, "Shop", "xn--3e0b707e.kr")
    page = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "한국.kr (xn--3e0b707e.kr)" in page
