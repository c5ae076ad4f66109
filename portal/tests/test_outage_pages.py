"""What a person sees while PostgreSQL or Redis does not answer, and on the error pages."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from django.utils import translation

from portal.views import server_error


@pytest.mark.django_db
def test_it_answers_sign_in_with_the_503_page_while_redis_is_down(client, developer, password, unreachable_redis):
    with override_settings(CACHES=unreachable_redis):
        response = client.post("/accounts/login/", {"login": developer.email, "password": password})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_it_says_so_in_korean_to_a_korean_browser(client, developer, password, unreachable_redis):
    with override_settings(CACHES=unreachable_redis):
        response = client.post(
            "/accounts/login/", {"login": developer.email, "password": password}, HTTP_ACCEPT_LANGUAGE="ko"
        )
    assert response.status_code == 503
    assert "일시적으로 사용할 수 없습니다" in response.content.decode()


def test_it_turns_an_outage_reaching_the_error_handler_into_a_503():
    request = RequestFactory().get("/tokens/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503


def test_it_shows_the_500_page_for_a_fault_of_ours():
    request = RequestFactory().get("/tokens/")
    try:
        raise KeyError("bug")
    except KeyError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("en", "Page not found"), ("ko", "페이지를 찾을 수 없습니다")])
def test_it_shows_the_404_page_in_the_visitors_language(client, language, text):
    response = client.get("/tokens/999999/nothing-here/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert text in response.content.decode()
    translation.activate("en")
