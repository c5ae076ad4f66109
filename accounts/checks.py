"""Start-up checks of the token settings, and of what production needs: refuse values that would silently misbehave."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from accounts.token_crypto import TOKEN_LENGTH

APPROVAL_MODES = ("auto", "manual")
# Caches each process keeps for itself (or none at all): counts and "already used" marks do not add up across workers.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)
MIN_RANDOM_CHARACTERS = 24  # about 143 bits of a 62-letter alphabet


@register()
def check_token_settings(app_configs, **kwargs):
    problems = []
    if settings.TOKEN_APPROVAL not in APPROVAL_MODES:
        problems.append(
            Error(
                f"TOKEN_APPROVAL is {settings.TOKEN_APPROVAL!r}; it must be one of {', '.join(APPROVAL_MODES)}.",
                id="accounts.E001",
            )
        )
    if settings.TOKENS_PER_DEVELOPER < 1:
        problems.append(Error("TOKENS_PER_DEVELOPER must be at least 1.", id="accounts.E002"))
    prefix = settings.TOKEN_PREFIX
    if not re.fullmatch(r"[A-Za-z0-9_]+", prefix) or TOKEN_LENGTH - len(prefix) < MIN_RANDOM_CHARACTERS:
        problems.append(
            Error(
                f"TOKEN_PREFIX {prefix!r} must be letters, digits or _ and leave at least "
                f"{MIN_RANDOM_CHARACTERS} random characters of the {TOKEN_LENGTH}.",
                id="accounts.E003",
            )
        )
    return problems


@register(deploy=True)
def check_token_key_is_separate(app_configs, **kwargs):
    if settings.TOKEN_ENCRYPTION_KEY == settings.SECRET_KEY:
        return [
            Warning(
                "TOKEN_ENCRYPTION_KEY equals SECRET_KEY: rotating SECRET_KEY would make every token undecryptable.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_cache_is_shared(app_configs, **kwargs):
    """Rate limits (the API's and allauth's) and the single use of TOTP codes and encrypted requests live in the
    cache: a cache of each worker would count them per worker."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            "REDIS_URL is not set: the cache is each process's own, so every worker would count rate limits on its "
            "own and accept a TOTP code or an encrypted request that another worker already took.",
            hint="Set REDIS_URL to a Redis that every worker on every machine uses, e.g. redis://cache.internal:6379/0.",
            id="accounts.E004",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Mail links are built on SITE_URL: without it they would take the address a request's Host header names."""
    if settings.DEBUG and not settings.SITE_URL:
        return []
    address = urlsplit(settings.SITE_URL)
    if address.scheme in ("http", "https") and address.hostname and address.path in ("", "/") and not address.query:
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}: mail links (sign-up, password reset, token decisions) need the "
            "portal's public address, never the Host header a request came with.",
            hint="Set SITE_URL to the address developers open the portal at, e.g. https://developers.example.com.",
            id="accounts.E005",
        )
    ]


@register(deploy=True)
def check_support_email(app_configs, **kwargs):
    """Mails and pages tell developers where to write about a token; production names that address itself."""
    if settings.DEBUG or settings.SUPPORT_EMAIL:
        return []
    return [
        Warning(
            "SUPPORT_EMAIL is not set: developers are told to write to a guessed support@ address of the portal's domain.",
            hint="Set SUPPORT_EMAIL to an address staff read, e.g. developers@example.com.",
            id="accounts.W002",
        )
    ]
