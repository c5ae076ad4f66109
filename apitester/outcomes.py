"""How a test-page exchange ended, in one word: kept in the history, shown as a badge, and written into the page's
data-outcome attribute for its script (and the browser tests) to read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILED = "failed", _("Failed")
    NOT_JSON = "not_json", _("Not JSON")
    UNREACHABLE = "unreachable", _("Unreachable")
    TIMEOUT = "timeout", _("Timed out")

    @property
    def badge(self):
        """The badge's class: the API's own answers in their colours, anything else as pending."""
        return {"success": "badge-success", "failed": "badge-failed"}.get(self.value, "badge-pending")

    @property
    def explanation(self):
        """What went wrong when the API's JSON did not come back; "" for the API's own answers."""
        if self.value == "unreachable":
            return _(
                "The API could not be reached: the connection was refused or broke off before an answer arrived. "
                "Nothing came back."
            )
        if self.value == "timeout":
            return _("The API did not answer within %(seconds)s seconds; the page stopped waiting.") % {
                "seconds": settings.API_TESTER_TIMEOUT_SECONDS
            }
        if self.value == "not_json":
            return _(
                "The answer is not the API's JSON: look at the raw response below (a proxy error page, a redirect, "
                "or the wrong address?)."
            )
        return ""
