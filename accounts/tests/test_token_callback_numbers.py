"""POST /tokens/<pk>/callback-numbers/: the callback numbers a token may send."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("accounts:token_callback_numbers", args=[token.pk])


def test_it_keeps_the_numbers_in_international_form_and_audits(owner_client, website_token, developer):
    token, _ = website_token
    owner_client.post(url(token), {"numbers": "+82 10-1004-1004\n+82-2-15*"}, REMOTE_ADDR="192.0.2.8")

    token.refresh_from_db()
    assert token.allowed_callback_numbers == ["+821010041004", "+82215*"]
    event = token.events.get(kind="callback_numbers")
    assert (event.actor, event.ip, event.data) == (developer, "192.0.2.8", {"numbers": ["+821010041004", "+82215*"]})


def test_it_refuses_a_number_not_in_international_form_in_both_languages(owner_client, website_token):
    token, _ = website_token
    english = owner_client.post(url(token), {"numbers": "01010041004"}).content.decode()
    korean = owner_client.post(url(token), {"numbers": "01010041004"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "is not a number in international form" in english and "국제 형식" in korean
    token.refresh_from_db()
    assert token.allowed_callback_numbers == []


def test_it_answers_404_to_an_outsider(outsider_client, website_token):
    token, _ = website_token
    assert outsider_client.post(url(token), {"numbers": "+82*"}).status_code == 404
