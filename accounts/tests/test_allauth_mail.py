"""allauth's mails and messages in our words: the link on its own line, the brand in the greeting, better Korean."""

import re

from django.core import mail
from django.urls import reverse

PASSWORD = "a long and unusual passphrase 7"


def sign_up(client, language):
    return client.post(
        reverse("account_signup"),
        {"email": "new@dev.example", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_it_sends_the_verification_link_on_its_own_line_in_korean(client, db):
    sign_up(client, "ko")
    [message] = mail.outbox
    lines = message.body.splitlines()
    assert "안녕하세요, 시시콜콜입니다." in lines
    intro = lines.index("아래 링크를 눌러 이메일 주소를 인증하세요:")
    link = next(line for line in lines[intro + 1 :] if line)
    assert re.fullmatch(r"https?://[^/\s]+/accounts/confirm-email/[^/\s]+/", link)
    assert "testserver" not in lines[0]


def test_it_sends_the_verification_link_in_english_too(client, db):
    sign_up(client, "en")
    [message] = mail.outbox
    lines = message.body.splitlines()
    assert lines[0] == "Hello from CallbackNow!"
    intro = lines.index("Click the link below to verify your email address:")
    link = next(line for line in lines[intro + 1 :] if line)
    confirm_path = re.fullmatch(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", link).group(1)
    assert client.post(confirm_path).status_code == 302


def test_it_says_in_plain_korean_where_the_mail_went_and_asks_only_about_the_address(client, db):
    response = sign_up(client, "ko")
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "new@dev.example 주소로 인증 메일을 보냈습니다." in page
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    confirm = client.get(confirm_path, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "주소가 내 이메일이 맞는지 확인해 주세요." in confirm
    assert "사용자" not in confirm


def test_it_sends_the_password_reset_link_on_its_own_line(client, developer):
    client.post(reverse("account_reset_password"), {"email": developer.email}, HTTP_ACCEPT_LANGUAGE="ko")
    lines = mail.outbox[-1].body.splitlines()
    intro = lines.index("아래 링크를 눌러 새 비밀번호를 정하세요:")
    assert re.fullmatch(r"https?://[^/\s]+/accounts/password/reset/key/\S+/", lines[intro + 2])


def test_it_reads_naturally_on_the_korean_sign_in_page(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "로그인 상태 유지" in page and "아이디 저장" not in page
