"""The project's deploy checks: what production needs of settings that every app shares (the cache, the site's
address, the support address). Their IDs stay those they had under accounts, which operators may silence."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Caches each process keeps for itself (or none at all): counts and "already used" marks do not add up across workers.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


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
