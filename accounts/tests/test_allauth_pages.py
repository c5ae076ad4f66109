"""The allauth pages in our layout: password reset and change, email change, TOTP with recovery codes, admin login."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.helpers import reauthenticate, totp

NEW_PASSWORD = "another fine passphrase 93"


def link_in_last_mail(pattern):
    return re.search(r"https?://[^/\s]+(" + pattern + ")", mail.outbox[-1].body).group(1)


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_it_renders_entrance_pages_in_the_site_layout(client, db, name):
    page = client.get(reverse(name)).content.decode()
    assert 'class="site-header"' in page and "accounts/entrance.css" in page
    assert '<form class="card"' in page and 'class="button"' in page


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "mfa_index"])
def test_it_renders_account_pages_with_their_tabs(owner_client, name):
    page = owner_client.get(reverse(name)).content.decode()
    assert 'class="account-tabs"' in page and 'aria-current="page"' in page


def test_it_speaks_korean_on_allauth_pages(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="ko">' in page and "로그인" in page


def test_it_resets_a_forgotten_password_by_mail(client, developer):
    client.post(reverse("account_reset_password"), {"email": developer.email})
    reset = link_in_last_mail(r"/accounts/password/reset/key/[^\s]+/")
    form_url = client.get(reset).url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert sign_in(client, developer.email, NEW_PASSWORD).url == reverse("accounts:token_list")


def test_it_changes_the_password(owner_client, developer, password):
    response = owner_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.check_password(NEW_PASSWORD)


def test_it_changes_the_email_address_after_verifying_the_new_one(owner_client, developer):
    owner_client.post(reverse("account_email"), {"email": "moved@example.net", "action_add": ""})
    assert mail.outbox[-1].to == ["moved@example.net"]
    confirm = link_in_last_mail(r"/accounts/confirm-email/[^/\s]+/")
    owner_client.post(confirm)
    developer.refresh_from_db()
    assert developer.email == "moved@example.net"
    assert EmailAddress.objects.get(user=developer).email == "moved@example.net"


def test_it_guards_sign_in_with_totp_and_recovery_codes(owner_client, developer, password):
    activate = reverse("mfa_activate_totp")
    reauthenticate(owner_client, password, activate)
    page = owner_client.get(activate).content.decode()
    secret = re.search(r'<code id="authenticator_secret"[^>]*>([A-Z2-7]+)</code>', page).group(1)
    assert 'class="qr-code"' in page
    response = owner_client.post(activate, {"code": totp(secret)})
    assert response.status_code == 302

    codes_page = owner_client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.search(r"<textarea[^>]*>([^<]+)</textarea>", codes_page).group(1).split()
    assert len(codes) == 10

    owner_client.logout()
    assert sign_in(owner_client, developer.email, password).url == reverse("mfa_authenticate")
    wrong = owner_client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    cache.clear()  # a used code is remembered for one period; forget it rather than wait
    assert owner_client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302
    assert owner_client.get(reverse("accounts:token_list")).status_code == 200

    owner_client.logout()
    sign_in(owner_client, developer.email, password)
    assert owner_client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert owner_client.get(reverse("accounts:token_list")).status_code == 200


def test_it_sends_the_admin_login_through_allauth(client, staff, password):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.request["QUERY_STRING"] == "next=%2Fadmin%2F"
    signed_in = client.post(reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": password})
    assert signed_in.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_it_refuses_the_admin_to_developers(owner_client):
    assert owner_client.get(reverse("admin:login")).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["account_logout", "account_email", "account_change_password", "mfa_index", "account_reauthenticate"],
)
def test_it_renders_every_signed_in_page_without_error(owner_client, name):
    response = owner_client.get(reverse(name))
    assert response.status_code == 200 and 'class="site-header"' in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["account_email_verification_sent", "account_reset_password_done", "account_inactive", "account_reset_password"],
)
def test_it_renders_every_visitor_page_without_error(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200 and 'class="site-header"' in response.content.decode()


def test_it_shows_the_totp_secret_whole_with_a_copy_button_and_an_otpauth_link(owner_client, password):
    activate = reverse("mfa_activate_totp")
    reauthenticate(owner_client, password, activate)
    page = owner_client.get(activate).content.decode()
    secret = re.search(r'<code id="authenticator_secret"[^>]*>([A-Z2-7]{16,})</code>', page).group(1)
    assert 'data-copy-target="#authenticator_secret"' in page
    assert re.search(r'<a href="otpauth://totp/[^"]*secret=' + secret, page)
    korean = owner_client.get(activate, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이 휴대폰에서 여는 중이라면 인증 앱에 계정 추가" in korean


def test_it_tells_the_two_factor_sign_in_that_recovery_codes_work_too(owner_client, developer, password):
    activate = reverse("mfa_activate_totp")
    reauthenticate(owner_client, password, activate)
    page = owner_client.get(activate).content.decode()
    secret = re.search(r'<code id="authenticator_secret"[^>]*>([A-Z2-7]+)</code>', page).group(1)
    owner_client.post(activate, {"code": totp(secret)})
    owner_client.logout()
    sign_in(owner_client, developer.email, password)
    assert "A recovery code works here too" in owner_client.get(reverse("mfa_authenticate")).content.decode()
    korean = owner_client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "복구 코드도 쓸 수 있습니다" in korean


@pytest.mark.parametrize("name", ["account_signup", "account_login", "account_reset_password"])
def test_it_writes_allauth_s_headings_in_sentence_case_as_the_portal_does(client, db, name):
    page = client.get(reverse(name)).content.decode()
    for title_case in ("Sign Up", "Signup", "Sign In", "Password Reset", "Forgot Password?", "Remember Me"):
        assert title_case not in page, title_case
    korean = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "회원가입" not in korean  # the portal's word, 가입하기, everywhere


def test_it_says_sign_up_one_way_in_both_languages(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert re.search(r"<h1[^>]*>\s*Sign up\s*</h1>", page)
    korean = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert re.search(r"<h1[^>]*>\s*가입하기\s*</h1>", korean)
