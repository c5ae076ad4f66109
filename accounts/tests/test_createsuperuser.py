"""A staff user made by `createsuperuser --noinput` and `verify_email`, as the README tells operators to."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

EMAIL = "ops@callbacknow.test"
PASSWORD = "staff passphrase 4821"


@pytest.fixture
def superuser_from_env(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", EMAIL)
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", EMAIL)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", verbosity=0)


def sign_in(client):
    return client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})


def test_it_signs_in_through_allauth_and_reaches_the_admin_once_verified(client, superuser_from_env):
    out = StringIO()
    call_command("verify_email", EMAIL, stdout=out)
    assert out.getvalue() == f"{EMAIL} is verified.\n"
    response = sign_in(client)
    assert response.status_code == 302 and "confirm-email" not in response.url
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "Site administration" in admin.content.decode()


def test_it_verifies_an_address_left_unverified_by_a_first_sign_in(client, superuser_from_env):
    assert sign_in(client).url == reverse("account_email_verification_sent")
    call_command("verify_email", EMAIL.upper(), stdout=StringIO())
    address = EmailAddress.objects.get(email=EMAIL)
    assert address.verified and address.primary
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_it_refuses_an_unknown_address(db):
    with pytest.raises(CommandError):
        call_command("verify_email", "nobody@callbacknow.test")


def test_it_takes_staff_from_the_admin_s_sign_in_straight_to_the_admin(client, superuser_from_env):
    """No "complete sign-up" or "verify your address" step on the way: the address is confirmed, the account whole."""
    call_command("verify_email", EMAIL, stdout=StringIO())
    to_sign_in = client.get("/admin/", follow=True).redirect_chain[-1][0]
    assert to_sign_in.startswith(reverse("account_login"))
    signed_in = client.post(to_sign_in, {"login": EMAIL, "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0] == "/admin/"
    page = signed_in.content.decode()
    assert "Site administration" in page
    for step in ("sign-up", "signup", "Sign up", "Verify your email", "confirm-email"):
        assert step not in page
