"""What allauth's entrance pages say beyond allauth's own tags: where development mail goes."""

from pathlib import Path

from django import template
from django.conf import settings

register = template.Library()

# Backends that write each mail to a file under EMAIL_FILE_PATH.
FILE_BACKENDS = ("portal.mail.ConsoleAndFileBackend", "django.core.mail.backends.filebased.EmailBackend")
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register.simple_tag
def development_mail():
    """Where mail lands in development: {"folder": "var/mail/"} or {"console": True}; None in production (DEBUG off
    or a real mail server), where a mail goes to its address."""
    if not settings.DEBUG:
        return None
    if settings.EMAIL_BACKEND in FILE_BACKENDS:
        folder = Path(settings.EMAIL_FILE_PATH)
        if folder.is_relative_to(settings.BASE_DIR):
            folder = folder.relative_to(settings.BASE_DIR)
        return {"folder": f"{folder}/"}
    if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
        return {"console": True}
    return None
