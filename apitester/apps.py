from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApitesterConfig(AppConfig):
    name = "apitester"
    verbose_name = _("API test page")

    def ready(self):
        from apitester import checks  # noqa: F401  (registers the deploy check)
