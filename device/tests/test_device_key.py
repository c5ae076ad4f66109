"""A device key: recognisable text shown once, only its keyed digest stored, found while not revoked."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts import token_crypto
from device.models import DeviceKey

pytestmark = pytest.mark.django_db


def test_it_issues_a_recognisable_key_and_keeps_only_its_digest(target, staff):
    key, plaintext = DeviceKey.issue(target, "Galaxy", created_by=staff)

    assert plaintext.startswith("cbnd_") and len(plaintext) == 37 and plaintext[5:].isalnum()
    stored = DeviceKey.objects.values().get(pk=key.pk)
    assert plaintext not in str(stored) and plaintext[5:] not in str(stored)
    assert (stored["digest"], stored["prefix"], stored["last4"]) == (
        token_crypto.digest(plaintext),
        "cbnd_",
        plaintext[-4:],
    )
    assert str(key) == f"Galaxy (cbnd_…{plaintext[-4:]})"
    assert (key.subscriber, key.created_by, key.revoked_at, key.last_used_at) == (target, staff, None, None)


def test_it_gives_each_key_its_own_text(target):
    texts = {DeviceKey.issue(target, "Phone")[1] for _ in range(5)}

    assert len(texts) == 5


def test_it_finds_an_active_key_by_its_text_only(issued_key):
    key, plaintext = issued_key

    assert DeviceKey.objects.find_active(plaintext) == key
    assert DeviceKey.objects.find_active(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert DeviceKey.objects.find_active(key.digest) is None
    assert DeviceKey.objects.find_active("") is None


def test_it_stops_finding_a_revoked_key_for_good(issued_key):
    key, plaintext = issued_key

    assert key.revoke() is True
    assert key.revoke() is False

    key.refresh_from_db()
    assert key.revoked_at is not None and not key.is_active
    assert DeviceKey.objects.find_active(plaintext) is None
    assert DeviceKey.objects.lookup(plaintext) == key  # still known, so the API can say "revoked"
    assert list(DeviceKey.objects.for_subscriber(key.subscriber).active()) == []


def test_it_records_use_at_most_once_per_interval(issued_key, settings):
    key, _plaintext = issued_key
    settings.TOKEN_LAST_USED_WRITE_INTERVAL = 60

    key.record_use()
    key.refresh_from_db()
    first = key.last_used_at
    key.record_use()
    key.refresh_from_db()

    assert first is not None and key.last_used_at == first
    cache.clear()  # the interval has passed
    key.record_use()
    key.refresh_from_db()
    assert key.last_used_at > first
    assert key.last_used_at <= timezone.now()


def test_it_forgets_the_push_target_of_a_revoked_key_and_the_sweeper_leaves_its_phone_alone(issued_key, send):
    from device.models import PushTarget
    from device.push import sending

    key = issued_key[0]
    PushTarget.register(key, "fcm", "fcm-token:" + "R" * 140, "…")
    send(key.subscriber)
    assert sending.overdue_work(grace_seconds=-60)[0] == [key.subscriber_id]

    key.revoke()

    assert not PushTarget.objects.filter(device_key=key).exists()  # personal data with no use left
    assert sending.overdue_work(grace_seconds=-60)[0] == []
