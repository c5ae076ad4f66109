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


def timeout_chain():
    """The chain of timeouts from the balancer down to the database (README, Timeouts), front first: (name, seconds)
    pairs, each of which must be longer than the next. A call may commit until its deadline plus one statement."""
    return [
        ("BALANCER_TIMEOUT_SECONDS", settings.BALANCER_TIMEOUT_SECONDS),
        ("FRONT_READ_TIMEOUT_SECONDS", settings.FRONT_READ_TIMEOUT_SECONDS),
        ("SERVER_TIMEOUT_SECONDS", settings.SERVER_TIMEOUT_SECONDS),
        (
            "REQUEST_DEADLINE_SECONDS + DB_STATEMENT_TIMEOUT_SECONDS",
            settings.REQUEST_DEADLINE_SECONDS + settings.DB_STATEMENT_TIMEOUT_SECONDS,
        ),
    ]


@register(deploy=True)
def check_timeout_chain(app_configs, **kwargs):
    """Each layer must give up after the one behind it: a front that gives up first answers its caller "failed"
    while the server may still commit the call (issue 22)."""
    errors = []
    chain = timeout_chain()
    for (front, front_seconds), (behind, behind_seconds) in zip(chain, chain[1:], strict=False):
        if front_seconds <= behind_seconds:
            errors.append(
                Error(
                    f"{front} ({front_seconds:g} s) is not longer than {behind} ({behind_seconds:g} s): the front would "
                    "give up on a call, and answer it failed, while the server behind it may still carry it out.",
                    hint="Order the timeouts from the balancer down to the database (README, Timeouts).",
                    id="portal.E001",
                )
            )
    if settings.REQUEST_QUEUE_TIMEOUT_SECONDS >= settings.REQUEST_DEADLINE_SECONDS:
        errors.append(
            Error(
                f"REQUEST_QUEUE_TIMEOUT_SECONDS ({settings.REQUEST_QUEUE_TIMEOUT_SECONDS:g} s) is not shorter than "
                f"REQUEST_DEADLINE_SECONDS ({settings.REQUEST_DEADLINE_SECONDS:g} s): a request started that late "
                "would have no time left to be done.",
                hint="Keep the queue's timeout well under the deadline (5 s and 15 s by default).",
                id="portal.E002",
            )
        )
    postgres = settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
    statement, lock = settings.DB_STATEMENT_TIMEOUT_SECONDS, settings.DB_LOCK_TIMEOUT_SECONDS
    if postgres and not (0 < lock <= statement):
        errors.append(
            Error(
                f"DB_STATEMENT_TIMEOUT_SECONDS ({statement:g}) and DB_LOCK_TIMEOUT_SECONDS ({lock:g}) must both be set, "
                "the lock's no longer than the statement's: a statement waiting on a lock without end holds its "
                "call past every front's timeout.",
                hint="The defaults are 5 s and 3 s; 0 (no limit) is for migrations only.",
                id="portal.E003",
            )
        )
    return errors
