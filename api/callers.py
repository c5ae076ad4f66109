"""Who is calling: the API's token lookups, remembered for a moment in each process.

Every call reads its token, and a busy caller calls many times a second: each process keeps what it read
for API_TOKEN_CACHE_SECONDS (under a second), so a token revoked, suspended or rolled on one machine is
refused on every other within that time, whatever the cache service does. In the process that saves a
token the copy is dropped at once (post_save). Nothing is remembered of an unknown token or host.
"""

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import ApiToken

MAX_ENTRIES = 10_000  # a caller spraying tokens or hosts cannot grow a process without bound

_entries = {}
_generation = [0]


def token_for_secret(value):
    """The token this value is a secret of (ApiTokenManager.lookup), or None."""
    return _remembered(("secret", value), lambda: ApiToken.objects.lookup(value))


def tokens_for_host(host):
    """The tokens whose host pattern allows this host (ApiTokenQuerySet.for_host)."""
    return _remembered(("host", host), lambda: list(ApiToken.objects.for_host(host)))


def _remembered(key, load):
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    generation = _generation[0]
    found = load()
    # A token saved while it was read must not be kept in its older state.
    if found and generation == _generation[0]:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now + settings.API_TOKEN_CACHE_SECONDS, found)
    return found


@receiver(post_save, sender=ApiToken)
@receiver(post_delete, sender=ApiToken)
def forget(**_kwargs):
    """Drops every remembered token of this process: one of them (or a host's list) changed."""
    _generation[0] += 1
    _entries.clear()
