"""allauth's "verify your email address" page after sign-up: how to get the mail again, and where development mail goes."""

from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.helpers import link_in_mail

URL = reverse("account_email_verification_sent")
NEWCOMER = "newcomer@example.com"
PASSWORD = "a long enough passphrase 71"


def sign_up(client):
    return client.post(reverse("account_signup"), {"email": NEWCOMER, "password1": PASSWORD, "password2": PASSWORD})


def test_it_lets_a_newcomer_who_is_not_signed_in_get_the_mail_again(client, db):
    assert sign_up(client).url == URL
    page = client.get(URL).content.decode()
    assert 'id="resend-link"' in page and reverse("account_login") in page
    first = link_in_mail(mail.outbox, NEWCOMER)
    mail.outbox.clear()
    cache.clear()  # allauth sends one confirmation mail per address every few minutes: those minutes pass

    again = client.post(reverse("account_login"), {"login": NEWCOMER, "password": PASSWORD})
    assert again.url == URL
    assert [sent.to for sent in mail.outbox] == [[NEWCOMER]] and first  # the mail again, its link still good


def test_it_offers_a_signed_in_unverified_developer_the_resend_button(client, developer):
    developer.emailaddress_set.update(verified=False)
    client.force_login(developer)
    page = client.get(URL).content.decode()
    assert f'action="{reverse("account_email")}"' in page and 'name="action_send"' in page
    client.post(reverse("account_email"), {"email": developer.email, "action_send": ""})
    assert link_in_mail(mail.outbox, developer.email)


def test_it_says_where_development_mail_lands(client, db, settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "portal.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = settings.BASE_DIR / "var" / "mail"
    page = client.get(URL).content.decode()
    assert "<code>var/mail/</code>" in page
    korean = client.get(URL, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<code>var/mail/</code> 아래 파일로 저장" in korean and "다시 보내기" in korean


def test_it_says_nothing_of_development_mail_in_production(client, db, settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = client.get(URL).content.decode()
    assert "var/mail" not in page and "Development:" not in page
