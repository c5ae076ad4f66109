from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Developers and tokens")

    def ready(self):
        from accounts import (
            checks,  # noqa: F401  registers the start-up checks
            signals,  # noqa: F401  a test token on email confirmation
        )
