from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password


def site_url(request, path):
    """The absolute link to `path` for a mail: on SITE_URL, never on the Host header of the request (its sender
    chooses it: Django checks the name against ALLOWED_HOSTS, not the port). Without SITE_URL, which only
    development may leave empty (a deploy check requires it), the address the developer's browser used."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


class AccountAdapter(DefaultAccountAdapter):
    """The project's one place to customise sign-up and mail."""

    def send_mail(self, template_prefix, email, context):
        # allauth builds its mails' links (activate_url, password_reset_url, signup_url) on the request's Host.
        context = {
            name: site_url(self.request, _path_of(value)) if name.endswith("_url") and _is_absolute(value) else value
            for name, value in context.items()
        }
        super().send_mail(template_prefix, email, context)

    def respond_email_verification_sent(self, request, user):
        if user is None:
            # No account was made (the address is registered): hash the password all the same, as a new account's
            # set_password() does, so that the answer's timing does not tell which addresses are registered.
            make_password(request.POST.get("password1", ""))
        return super().respond_email_verification_sent(request, user)


def _is_absolute(value):
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def _path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def user_display(user):
    """How allauth names a developer on its pages: by the email they signed up with, never a generated username.

    Wire up with ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display" in settings.
    """
    return user.email or user.get_username()
