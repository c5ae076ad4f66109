"""Webhook endpoints of a token, the outbox of events, and each event's delivery to each endpoint."""

import json
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import token_crypto
from lib.times import iso_time
from webhooks import failures, signing

ALPHABET = string.ascii_letters + string.digits


def _public_id(prefix):
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(24))


def new_endpoint_id():
    return _public_id("we_")


def new_message_id():
    """The webhook-id of an event: the same on every attempt, so receivers can drop duplicates."""
    return _public_id("msg_")


class EventType(models.TextChoices):
    CREATED = "call_request.created", "call_request.created"
    DELIVERED = "call_request.delivered", "call_request.delivered"
    SEEN = "call_request.seen", "call_request.seen"
    ANSWERED = "call_request.answered", "call_request.answered"
    DECLINED = "call_request.declined", "call_request.declined"
    CANCELLED = "call_request.cancelled", "call_request.cancelled"
    EXPIRED = "call_request.expired", "call_request.expired"
    TEST = "webhook.test", "webhook.test"


CALL_REQUEST_EVENTS = [choice for choice in EventType.values if choice.startswith("call_request.")]


def event_type_for_state(state):
    """The event of a call request reaching a state ("answered" → call_request.answered); "pending" is created."""
    return EventType.CREATED if state == "pending" else EventType(f"call_request.{state}")


def refresh_listened_events(token):
    """Keeps token.webhook_event_types, the events an enabled endpoint of the token listens to: WebhookEvent.record
    reads it, so that a call of a token without webhooks writes nothing. Call within the endpoints' change's
    transaction."""
    listened = set()
    for events in WebhookEndpoint.objects.for_token(token).filter(enabled=True).values_list("events", flat=True):
        listened.update(events)
    token.webhook_event_types = sorted(listened)
    token.save(update_fields=["webhook_event_types"])  # a save, not update(): the API's copies are dropped


class WebhookEndpointQuerySet(models.QuerySet):
    def for_token(self, token):
        return self.filter(token=token)

    def listening_to(self, event_type):
        """Enabled endpoints subscribed to this event type (the test event reaches every enabled endpoint)."""
        enabled = self.filter(enabled=True)
        if event_type == EventType.TEST:
            return enabled
        return [endpoint for endpoint in enabled if event_type in endpoint.events]


class WebhookEndpoint(models.Model):
    """A URL of the developer's that receives the signed events of one token's call requests."""

    class DisabledBecause(models.TextChoices):
        DEVELOPER = "developer", _("Disabled by you")
        FAILING = "failing", _("Disabled after failing for 3 days")

    public_id = models.CharField(_("ID"), max_length=32, unique=True, default=new_endpoint_id, editable=False)
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("token")
    )
    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_because = models.CharField(
        _("disabled because"), max_length=16, choices=DisabledBecause.choices, blank=True
    )
    secret_encrypted = models.TextField(editable=False)
    secret_last4 = models.CharField(max_length=4, editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    @classmethod
    def add(cls, token, url, events):
        """A new enabled endpoint with a fresh signing secret; returns (endpoint, secret shown once)."""
        endpoint = cls(token=token, url=url, events=sorted(events))
        secret = endpoint._set_secret()
        with transaction.atomic():
            endpoint.save()
            refresh_listened_events(endpoint.token)
        return endpoint, secret

    @property
    def masked_secret(self):
        return f"{signing.SECRET_PREFIX}…{self.secret_last4}"

    def secret(self):
        return token_crypto.decrypt_secret(self.secret_encrypted)

    def secrets_in_force(self, now=None):
        """The secrets that sign a delivery now: the current one, and during a roll's overlap the previous one."""
        now = now or timezone.now()
        current = [self.secret()]
        if self.previous_secret_encrypted and self.previous_secret_until and self.previous_secret_until > now:
            return current + [token_crypto.decrypt_secret(self.previous_secret_encrypted)]
        return current

    def roll_secret(self, overlap_seconds):
        """A new secret; the old one keeps signing beside it for overlap_seconds. Returns the new secret."""
        old = self.secret_encrypted
        secret = self._set_secret()
        if overlap_seconds:
            self.previous_secret_encrypted = old
            self.previous_secret_until = timezone.now() + timedelta(seconds=overlap_seconds)
        else:
            self.previous_secret_encrypted, self.previous_secret_until = "", None
        self.save(
            update_fields=["secret_encrypted", "secret_last4", "previous_secret_encrypted", "previous_secret_until"]
        )
        return secret

    def change(self, url, events, enabled):
        self.url, self.events = url, sorted(events)
        if enabled and not self.enabled:
            self.failing_since = None
        self.enabled = enabled
        self.disabled_because = "" if enabled else (self.disabled_because or self.DisabledBecause.DEVELOPER)
        with transaction.atomic():
            self.save()
            refresh_listened_events(self.token)

    def remove(self):
        token = self.token
        with transaction.atomic():
            self.delete()
            refresh_listened_events(token)

    def record_success(self):
        if self.failing_since is not None:
            type(self).objects.filter(pk=self.pk).update(failing_since=None)
            self.failing_since = None

    def record_failure(self, now):
        """Notes a failed delivery; returns True when this failure disabled the endpoint (failing for too long)."""
        if self.failing_since is None:
            type(self).objects.filter(pk=self.pk, failing_since__isnull=True).update(failing_since=now)
            self.refresh_from_db(fields=["failing_since"])
        if not self.enabled or now - self.failing_since < timedelta(seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS):
            return False
        with transaction.atomic():
            disabled = (
                type(self)
                .objects.filter(pk=self.pk, enabled=True)
                .update(enabled=False, disabled_because=self.DisabledBecause.FAILING)
            )
            refresh_listened_events(self.token)
        self.enabled, self.disabled_because = False, self.DisabledBecause.FAILING
        return bool(disabled)

    def _set_secret(self):
        secret = signing.new_secret()
        self.secret_encrypted = token_crypto.encrypt_secret(secret)
        self.secret_last4 = secret[-4:]
        return secret


class WebhookEventQuerySet(models.QuerySet):
    def about(self, subject):
        """The events of one subject (a call request's public ID), oldest first."""
        return self.filter(subject=subject)

    def undispatched(self, older_than_seconds):
        """Events committed but never fanned out to their endpoints (the enqueue after commit was lost)."""
        return self.filter(
            dispatched_at__isnull=True, created_at__lt=timezone.now() - timedelta(seconds=older_than_seconds)
        )


class WebhookEvent(models.Model):
    """The outbox: written in the transaction of the change it reports, delivered by the task queue."""

    public_id = models.CharField(_("webhook-id"), max_length=32, unique=True, default=new_message_id, editable=False)
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.CASCADE, related_name="webhook_events", verbose_name=_("token")
    )
    # What the event is about, by its public ID (a call request's cr_…; empty for a test event): an ID, not a foreign
    # key, so that this app's tables point at nothing above it, as its imports do not.
    subject = models.CharField(_("subject"), max_length=32, blank=True, db_index=True)
    type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    body = models.TextField(_("body"))  # the exact JSON sent and signed, the same on every attempt
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["dispatched_at", "created_at"], name="webhook_event_undispatched")]

    def __str__(self):
        return f"{self.public_id} {self.type}"

    @property
    def timestamp(self):
        return int(self.created_at.timestamp())

    @classmethod
    def record(cls, token, event_type, data, subject="", now=None):
        """Writes the event in the caller's transaction and has it delivered once that commits.

        Only when an enabled endpoint of the token listens to it: a token without webhooks pays nothing.
        """
        if token is None or (event_type != EventType.TEST and event_type not in token.webhook_event_types):
            return None
        now = now or timezone.now()
        body = json.dumps(
            {"type": event_type, "timestamp": iso_time(now), "data": data}, ensure_ascii=False, separators=(",", ":")
        )
        event = cls.objects.create(token=token, subject=subject, type=event_type, body=body, created_at=now)
        transaction.on_commit(lambda: _enqueue_dispatch(event.pk))
        return event


def _enqueue_dispatch(event_id):
    from webhooks import tasks  # the task queue is set up once the apps are; models load first

    tasks.enqueue_dispatch(event_id)


class WebhookDeliveryQuerySet(models.QuerySet):
    def for_endpoint(self, endpoint):
        return self.filter(endpoint=endpoint)

    def overdue(self, grace_seconds):
        """Deliveries that should have been attempted by now: their task was lost (a worker died)."""
        now = timezone.now()
        waiting = models.Q(state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING])
        stale = models.Q(state=WebhookDelivery.State.DELIVERING, lease_until__lt=now)
        due = models.Q(next_attempt_at__lt=now - timedelta(seconds=grace_seconds))
        return self.filter((waiting & due) | stale)


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint: its state and its attempts."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERING = "delivering", _("Delivering")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_endpoint")]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_time"),
        ]

    def __str__(self):
        return f"{self.event.public_id} → {self.endpoint.url} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    started_at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response (first 2 KB)"), blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.status or self.error}"

    @property
    def succeeded(self):
        return self.status is not None and 200 <= self.status < 300

    @cached_property
    def failure(self):
        """What went wrong, in words (and the sender's text beside them); None for a success."""
        return failures.failure(self.error, self.status)


class ManualSend(models.Model):
    """A test event or a resend a developer asked for: each endpoint and each account has a few an hour
    (WEBHOOK_MANUAL_SENDS_PER_ENDPOINT_PER_HOUR, …_PER_ACCOUNT_PER_HOUR), so that an endpoint's URL cannot be used
    to flood a third party's server."""

    class Kind(models.TextChoices):
        TEST = "test", _("Test event")
        RESEND = "resend", _("Resend")

    WINDOW = timedelta(hours=1)

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="manual_sends")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("manual send")
        verbose_name_plural = _("manual sends")

    def __str__(self):
        return f"{self.kind} · {self.endpoint_id} · {self.created_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def take(cls, endpoint, kind):
        """Counts one manual send of the endpoint; returns None, or the time from which one is allowed again (and
        counts nothing). Sends of one endpoint are counted one at a time (its row is locked)."""
        now = timezone.now()
        with transaction.atomic():
            WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
            owner_id = endpoint.token.owner_id
            recent = cls.objects.filter(created_at__gt=now - cls.WINDOW)
            for sends, limit in [
                (recent.filter(endpoint=endpoint), settings.WEBHOOK_MANUAL_SENDS_PER_ENDPOINT_PER_HOUR),
                (recent.filter(owner_id=owner_id), settings.WEBHOOK_MANUAL_SENDS_PER_ACCOUNT_PER_HOUR),
            ]:
                times = list(sends.order_by("-created_at").values_list("created_at", flat=True)[:limit])
                if len(times) >= limit:
                    return times[-1] + cls.WINDOW  # when the oldest of the last `limit` leaves the window
            cls.objects.create(endpoint=endpoint, owner_id=owner_id, kind=kind, created_at=now)
        return None
