from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Open API")

    def ready(self):
        from api import (
            callers,  # noqa: F401  drops a process's remembered tokens when one is saved
            checks,  # noqa: F401  registers the start-up checks
        )
