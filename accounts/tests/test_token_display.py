"""accounts.templatetags.tokens: hosts and activity details as people read them, in Korean and English."""

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


def event(kind, detail):
    return TokenEvent(kind=kind, detail=detail)


@pytest.mark.parametrize(
    ("kind", "detail", "korean"),
    [
        ("revealed", "test page", "테스트 페이지에서"),
        ("approved", "automatic", "자동"),
        ("rolled", "grace 3600s", "기존 토큰 유예 기간: 1시간"),
        ("rolled", "grace 0s", "기존 토큰은 즉시 중지"),
        (
            "host_changed",
            "example.com → xn--3e0b707e.kr (awaits approval)",
            "example.com → 한국.kr (xn--3e0b707e.kr) (승인 대기)",
        ),
        ("host_changed", "a.example.com → b.example.com", "a.example.com → b.example.com"),
        ("issued", "xn--3e0b707e.kr", "한국.kr (xn--3e0b707e.kr)"),
        ("rejected", "No such website", "No such website"),
    ],
)
def test_it_translates_the_known_shapes_of_stored_details(kind, detail, korean):
    with translation.override("ko"):
        assert event_detail(event(kind, detail)) == korean


def test_it_keeps_english_details_readable_in_english():
    with translation.override("en"):
        assert event_detail(event("revealed", "test page")) == "on the test page"
        assert (
            event_detail(event("host_changed", "a.com → b.com (awaits approval)")) == "a.com → b.com (awaits approval)"
        )


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
