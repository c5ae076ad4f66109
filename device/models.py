import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts import token_crypto
from api import changes
from api.models import Subscriber
from lib import quiet
from lib.times import iso_time

log = logging.getLogger(__name__)

KEY_PREFIX = "cbnd_"
KEY_RANDOM_LENGTH = 32
DEFAULT_NAME = "CallbackNow app"
KEY_PATTERN = re.compile(re.escape(KEY_PREFIX) + "[A-Za-z0-9]{" + str(KEY_RANDOM_LENGTH) + "}")


def generate_key():
    """A new device key: the prefix (so that a scanner recognises a leaked one), then 32 random letters and digits."""
    return KEY_PREFIX + "".join(secrets.choice(token_crypto.ALPHABET) for _ in range(KEY_RANDOM_LENGTH))


def looks_like_key(value):
    return bool(KEY_PATTERN.fullmatch(value or ""))


EVENT_TICKET_SECONDS = 60


def _ticket_signer():
    return signing.TimestampSigner(salt="callbacknow.device.event-stream-ticket")


class DeviceKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_subscriber(self, subscriber):
        return self.filter(subscriber=subscriber)


class DeviceKeyManager(models.Manager.from_queryset(DeviceKeyQuerySet)):
    def lookup(self, plaintext):
        """The key with this text, revoked or not, or None."""
        if not looks_like_key(plaintext):
            return None
        return self.select_related("subscriber").filter(digest=token_crypto.digest(plaintext)).first()

    def from_ticket(self, ticket):
        """The key an event stream ticket (DeviceKey.event_ticket()) was given to, if the ticket is less than
        EVENT_TICKET_SECONDS old; else None."""
        try:
            key_id = _ticket_signer().unsign(ticket, max_age=EVENT_TICKET_SECONDS)
        except signing.BadSignature:
            return None
        return self.select_related("subscriber").filter(pk=int(key_id)).first()

    def find_active(self, plaintext):
        """The key with this text if it is not revoked, or None."""
        key = self.lookup(plaintext)
        return key if key is not None and key.is_active else None


class DeviceKey(models.Model):
    """What the CallbackNow app on a subscriber's phone authenticates with (Authorization: Bearer …).

    Only a keyed digest of the text is stored, with its last four characters for display: staff see the text
    once, when the key is created.
    """

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="device_keys", verbose_name=_("subscriber")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which phone or app has it, for example “Galaxy S24”.")
    )
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    last4 = models.CharField(_("last four characters"), max_length=4, editable=False)
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = DeviceKeyManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("device key")
        verbose_name_plural = _("device keys")

    def __str__(self):
        return f"{self.name} ({self.masked})"

    @property
    def masked(self):
        return token_crypto.mask(self.prefix, self.last4)

    @property
    def is_active(self):
        return self.revoked_at is None

    @sensitive_variables("plaintext")
    def set_new_secret(self):
        """Gives the (unsaved) key its text and returns it: the only time the text exists."""
        plaintext = generate_key()
        self.prefix, self.last4 = KEY_PREFIX, plaintext[-4:]
        self.digest = token_crypto.digest(plaintext)
        return plaintext

    @classmethod
    @sensitive_variables("plaintext")
    def issue(cls, subscriber, name, created_by=None):
        """Creates a key for the subscriber's phone and returns (key, plaintext); the plaintext is never stored."""
        key = cls(subscriber=subscriber, name=name, created_by=created_by)
        plaintext = key.set_new_secret()
        key.save()
        return key, plaintext

    def event_ticket(self):
        """What a browser's EventSource, which cannot send an Authorization header, opens the event stream with:
        the key's ID signed with the time, good for EVENT_TICKET_SECONDS (and for the reconnections within it)."""
        return _ticket_signer().sign(str(self.pk))

    def revoke(self):
        """Stops the key working, for good; False when it was already revoked."""
        now = timezone.now()
        with transaction.atomic():
            revoked = type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=now)
            if revoked:
                PushTarget.objects.filter(device_key_id=self.pk).delete()  # personal data with no use left
                changes.device_key_changed(self.pk)  # its held connections end
        self.refresh_from_db(fields=["revoked_at"])
        return bool(revoked)

    def record_use(self):
        """Keeps last_used_at current with at most one write per key per interval."""
        try:
            first_in_window = cache.add(f"device-key-used:{self.pk}", 1, settings.TOKEN_LAST_USED_WRITE_INTERVAL)
        except Exception:  # cache down: skip the bookkeeping, never the request
            log.warning("cache unavailable; last use of device key %s not recorded", self.pk)
            return
        if first_in_window:
            self.last_used_at = timezone.now()
            type(self).objects.filter(pk=self.pk).update(last_used_at=self.last_used_at)


class PushTarget(models.Model):
    """Where a push wakes the phone of a device key when its app sleeps: an FCM registration token, an APNs device
    token (and its environment) or a Web Push subscription. The token or subscription is personal data: stored
    encrypted (TOKEN_ENCRYPTION_KEY), shown masked, never logged."""

    class Kind(models.TextChoices):
        FCM = "fcm", "FCM"
        APNS = "apns", "APNs"
        WEBPUSH = "webpush", "Web Push"

    device_key = models.OneToOneField(
        DeviceKey, on_delete=models.CASCADE, related_name="push_target", verbose_name=_("device key")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    environment = models.CharField(_("APNs environment"), max_length=16, blank=True)
    secret_encrypted = models.TextField(editable=False)
    shown = models.CharField(_("push target"), max_length=120, editable=False)  # masked: host and last characters
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("push target")
        verbose_name_plural = _("push targets")

    def __str__(self):
        return f"{self.get_kind_display()} {self.shown}"

    @classmethod
    def register(cls, device_key, kind, secret, shown, environment=""):
        """Registers (or replaces) the key's push target; secret is the token, or the subscription's JSON."""
        values = {
            "kind": kind,
            "environment": environment,
            "secret_encrypted": token_crypto.encrypt_secret(secret),
            "shown": shown,
            "registered_at": timezone.now(),
        }
        target, _created = cls.objects.update_or_create(device_key=device_key, defaults=values)
        from device.push import triggers  # which imports this module

        triggers.targets_changed(device_key.subscriber_id)  # this process pushes to it from now on
        return target

    def secret(self):
        return token_crypto.decrypt_secret(self.secret_encrypted)

    def as_json(self):
        shown = {"kind": self.kind, "target": self.shown}
        if self.kind == self.Kind.APNS:
            shown["environment"] = self.environment
        return shown


class PushJobQuerySet(models.QuerySet):
    def overdue(self, grace_seconds):
        """Jobs that should have been attempted by now: their task was lost (a worker died, the enqueue failed)."""
        now = timezone.now()
        waiting = models.Q(state__in=[PushJob.State.PENDING, PushJob.State.RETRYING])
        stale = models.Q(state=PushJob.State.SENDING, lease_until__lt=now)
        due = models.Q(next_attempt_at__lt=now - timedelta(seconds=grace_seconds))
        return self.filter((waiting & due) | stale)


class PushJob(models.Model):
    """One push of one call request to one device (sending it, or withdrawing it after a cancel): at most one of
    each, whatever the number of workers; its state and attempts."""

    class Action(models.TextChoices):
        SEND = "send", _("Send")
        WITHDRAW = "withdraw", _("Withdraw")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent to the provider")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    call_request = models.ForeignKey(
        "api.CallRequest", on_delete=models.CASCADE, related_name="push_jobs", verbose_name=_("call request")
    )
    device_key = models.ForeignKey(
        DeviceKey, on_delete=models.CASCADE, related_name="push_jobs", verbose_name=_("device key")
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PushJobQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        constraints = [
            models.UniqueConstraint(fields=["call_request", "device_key", "action"], name="one_push_job_per_action")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="push_job_due")]

    def __str__(self):
        return f"{self.action} {self.call_request_id} → {self.device_key_id} ({self.state})"


class DeliveryStep(models.Model):
    """The delivery trace of a call request: each push attempt (its channel, time and the provider's answer or
    message ID) and the event stream or long poll that handed the request to the phone."""

    class Path(models.TextChoices):
        FCM = "fcm", "FCM"
        APNS = "apns", "APNs"
        WEBPUSH = "webpush", "Web Push"
        STREAM = "stream", _("event stream")
        LONG_POLL = "long_poll", _("long poll")
        PAGE = "page", _("virtual phone page")  # its list rendered by the server (a browser without JavaScript)

    call_request = models.ForeignKey(
        "api.CallRequest", on_delete=models.CASCADE, related_name="delivery_steps", verbose_name=_("call request")
    )
    device_key = models.ForeignKey(
        DeviceKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery_steps",
        verbose_name=_("device key"),
    )
    path = models.CharField(_("path"), max_length=12, choices=Path.choices)
    action = models.CharField(_("action"), max_length=8, blank=True)  # a push's send or withdraw
    at = models.DateTimeField(_("time"), default=timezone.now)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16)  # delivered, sent, retry, dead, failed
    answer = models.CharField(_("provider's answer"), max_length=300, blank=True)  # message ID or error, no token
    quiet = models.BooleanField(_("sent quietly"), default=False)  # in the subscriber's quiet hours: no sound

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery step")
        verbose_name_plural = _("delivery steps")

    def __str__(self):
        return f"{self.path} {self.outcome} {self.at:%H:%M:%S}"

    @classmethod
    def trace_of(cls, call_request_id):
        """The call request's trace as the status answer shows it (api.delivery_trace)."""
        return [step.as_json() for step in cls.objects.filter(call_request_id=call_request_id)]

    def as_json(self):
        found = {"path": self.path, "at": iso_time(self.at), "outcome": self.outcome}
        if self.action:
            found["action"] = self.action
        if self.status is not None:
            found["status"] = self.status
        if self.answer:
            found["answer"] = self.answer
        if self.quiet:
            found["quiet"] = True
        return found


class QuietHours(models.Model):
    """A subscriber's quiet hours, in their own time zone: a request that arrives then is delivered as usual but
    pushed silently (no sound, never a loud wake-up); its delivery trace says so."""

    subscriber = models.OneToOneField(
        Subscriber, on_delete=models.CASCADE, related_name="quiet_hours", verbose_name=_("subscriber")
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M} {self.time_zone}"

    @classmethod
    def cover(cls, subscriber_id, moment):
        """Whether the subscriber's quiet hours (if any) cover this moment."""
        found = cls.objects.filter(subscriber_id=subscriber_id).first()
        return found is not None and quiet.covers(found.start, found.end, found.time_zone, moment)

    def as_json(self):
        return {"start": f"{self.start:%H:%M}", "end": f"{self.end:%H:%M}", "time_zone": self.time_zone}
