from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """The project's one place to customise sign-up and mail."""


def user_display(user):
    """How allauth names a developer on its pages: by the email they signed up with, never a generated username.

    Wire up with ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display" in settings.
    """
    return user.email or user.get_username()
