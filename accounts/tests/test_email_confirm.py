"""allauth's confirmation page and signed-in message as this project words them, in English and Korean."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from tests.helpers import link_in_mail

EMAIL = "new@dev.example"
PASSWORD = "a long and unusual passphrase 5"
CONFIRM = {
    "en": f'Confirm that <a href="mailto:{EMAIL}">{EMAIL}</a> is your email address.',
    "ko": f'<a href="mailto:{EMAIL}">{EMAIL}</a> 주소가 내 이메일이 맞는지 확인해 주세요.',
}
SIGNED_IN = {"en": f"Successfully signed in as {EMAIL}.", "ko": f"{EMAIL} 계정으로 로그인했습니다."}


def signed_up(client, language):
    client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    link = link_in_mail(mail.outbox, EMAIL, r"https?://\S+/accounts/confirm-email/\S+")
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_asks_to_confirm_the_address_as_ones_own(client, db, language):
    page = client.get(signed_up(client, language), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert CONFIRM[language] in page
    assert "for user" not in page and "사용자" not in page


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_says_who_is_signed_in_after_confirming(client, db, language):
    response = client.post(signed_up(client, language), HTTP_ACCEPT_LANGUAGE=language)
    assert response.url == reverse("accounts:token_list")
    assert SIGNED_IN[language] in [str(message) for message in get_messages(response.wsgi_request)]


def test_it_says_when_a_confirmation_link_is_no_longer_valid(client, db):
    page = client.get("/accounts/confirm-email/no-such-key/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이 이메일 확인 링크는 만료되었거나 유효하지 않습니다" in page
    assert 'href="/accounts/email/"' in page
