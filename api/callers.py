"""Who is calling, and whom: the API's token and subscriber lookups, remembered for a moment in each process.

Every call reads its token and its target, and a busy caller calls many times a second: each process keeps
what it read for API_TOKEN_CACHE_SECONDS (under a second), so a token revoked, suspended or rolled on one
machine is refused on every other within that time, whatever the cache service does (and a subscriber
registered or deactivated is seen as soon). In the process that saves a token or a subscriber the copies
are dropped at once (post_save). Nothing is remembered of an unknown token, host or subscriber.
"""

import time

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import ApiToken, Reach
from api.models import Subscriber
from api.recipients import Block, Blocked

MAX_ENTRIES = 10_000  # a caller spraying tokens or hosts cannot grow a process without bound

# Per kind ("token", "subscriber"): {key: (until, what was read)}, and how many times it was dropped.
_entries = {"token": {}, "subscriber": {}, "blocks": {}}
_generation = {"token": 0, "subscriber": 0, "blocks": 0}


def token_for_secret(value):
    """The token this value is a secret of (ApiTokenManager.lookup), or None."""
    return _remembered("token", value, lambda: ApiToken.objects.lookup(value))


def tokens_for_host(host):
    """The tokens whose host pattern allows this host (ApiTokenQuerySet.for_host)."""
    return _remembered("token", ("host", host), lambda: list(ApiToken.objects.for_host(host).with_reach()))


def subscriber_for_number(e164, test=False):
    """The active subscriber of that world with this E.164 number (SubscriberQuerySet.for_number), or None."""
    return _remembered("subscriber", (e164, test), lambda: _with_blocks().for_number(e164, test))


def subscriber_for_id(public_id, test=False):
    """The active subscriber of that world with this public ID (SubscriberQuerySet.by_public_id), or None."""
    return _remembered("subscriber", ("id", public_id, test), lambda: _with_blocks().by_public_id(public_id, test))


def _with_blocks():
    """Subscribers read with whether they block anyone (has_blocks), in the same statement: only those cost the API
    a look at their blocks."""
    return Subscriber.objects.annotate(has_blocks=Exists(Block.objects.filter(subscriber=OuterRef("pk"))))


def blocks_of(subscriber_id):
    """What the subscriber blocks (Blocked: callback numbers and developer accounts)."""
    return _remembered("blocks", subscriber_id, lambda: Blocked.of(subscriber_id))


def magic_subscriber(outcome):
    """The subscriber of a magic outcome (Subscriber.magic), created on its first call."""
    return _remembered("subscriber", ("magic", outcome.code), lambda: Subscriber.magic(outcome))


def _remembered(kind, key, load):
    entries, now = _entries[kind], time.monotonic()
    entry = entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    generation = _generation[kind]
    found = load()
    # One saved while it was read must not be kept in its older state.
    if found and generation == _generation[kind]:
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key] = (now + settings.API_TOKEN_CACHE_SECONDS, found)
    return found


@receiver(post_save, sender=ApiToken)
@receiver(post_delete, sender=ApiToken)
@receiver(post_save, sender=Subscriber)
@receiver(post_delete, sender=Subscriber)
@receiver(post_save, sender=Reach)
@receiver(post_delete, sender=Reach)
@receiver(post_save, sender=Block)
@receiver(post_delete, sender=Block)
def forget(sender=None, **_kwargs):
    """Drops what this process remembers of the kind saved (of every kind without a sender)."""
    # A token is read with its account's target countries (Reach).
    kinds = {Subscriber: ["subscriber"], ApiToken: ["token"], Reach: ["token"], Block: ["blocks", "subscriber"]}
    kinds = kinds.get(sender, list(_entries))
    for kind in kinds:
        _generation[kind] += 1
        _entries[kind].clear()
