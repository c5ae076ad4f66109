import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api import protocol
from lib import phones

PUBLIC_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def normalise_public_id(value):
    """A subscriber's public ID in its stored form (lower case), or None when it cannot be one."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if PUBLIC_ID_PATTERN.fullmatch(value) else None


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_number(self, e164):
        """The active subscriber with this E.164 number, or None."""
        return self.active().filter(number=e164).first()

    def by_public_id(self, public_id):
        """The active subscriber with this public ID (any letter case), or None."""
        normalised = normalise_public_id(public_id)
        if normalised is None:
            return None
        return self.active().filter(public_id=normalised).first()


class Subscriber(models.Model):
    """A CallbackNow app user: the target of call requests."""

    number = models.CharField(_("number (E.164)"), max_length=16, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, for example KR."))
    operator = models.CharField(_("operator"), max_length=64)
    public_id = models.CharField(
        _("public ID"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Optional. Lets callers reach the user by ID (neocallback). Letters, digits, . _ -"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return f"{self.number} ({self.operator})"

    @property
    def iso(self):
        return self.country.lower()

    @property
    def national_number(self):
        return phones.national_digits(self.number)

    def clean(self):
        phone = self.phone_or_error(self.number, self.country)
        self.number, self.country = phone.e164, phone.country
        if self.public_id:
            public_id = normalise_public_id(self.public_id)
            if public_id is None:
                raise ValidationError({"public_id": _("Use 1 to 64 letters, digits, dots, hyphens or underscores.")})
            self.public_id = public_id
        else:
            self.public_id = None

    @staticmethod
    def phone_or_error(number, iso):
        try:
            return phones.normalise(number, iso)
        except phones.BadCountryCode:
            raise ValidationError({"country": _("Enter an ISO 3166 country code, for example KR.")}) from None
        except phones.InvalidNumber:
            raise ValidationError({"number": _("Enter a valid phone number of that country.")}) from None

    @classmethod
    def register(cls, number, iso, operator, public_id=None):
        """Adds the subscriber with this number, or updates and reactivates it; raises ValidationError on bad input."""
        phone = cls.phone_or_error(number, iso)
        subscriber = cls.objects.filter(number=phone.e164).first() or cls(number=phone.e164)
        subscriber.country, subscriber.operator = phone.country, operator
        subscriber.public_id = public_id or None
        subscriber.active = True
        subscriber.full_clean()
        subscriber.save()
        return subscriber


class CallRequestQuerySet(models.QuerySet):
    def pending(self):
        """Pending and not yet past their expiry (expiry is also applied lazily here)."""
        return self.filter(state=CallRequest.State.PENDING, expires_at__gt=timezone.now())

    def sent_by(self, developer):
        """The requests the developer's tokens sent: only they see, refresh or cancel them."""
        return self.filter(developer=developer)

    def pending_between(self, requester, target, developer):
        return self.pending().sent_by(developer).filter(requester_number=requester.e164, target=target)

    def expire_due(self):
        """Marks pending requests past their expiry as expired; returns how many."""
        now = timezone.now()
        return self.filter(state=CallRequest.State.PENDING, expires_at__lte=now).update(
            state=CallRequest.State.EXPIRED, updated_at=now
        )


class CallRequest(models.Model):
    """A request, sent through the API, that a CallbackNow user call the requester back."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    requester_number = models.CharField(_("requester number (E.164)"), max_length=16)
    requester_country = models.CharField(_("requester country"), max_length=2)
    target = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="call_requests")
    message = models.TextField(_("message"), blank=True)
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="call_requests"
    )
    # Whose request it is: the developer whose token sent it. Two developers' requests between the same
    # two numbers are two requests.
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="call_requests",
        verbose_name=_("developer"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expires_at = models.DateTimeField(_("expires"))

    objects = CallRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")
        constraints = [
            # Concurrent identical requests race to insert: the database keeps exactly one pending.
            models.UniqueConstraint(
                fields=["developer", "requester_number", "target"],
                condition=Q(state="pending"),
                name="one_pending_call_request_per_developer_and_pair",
            )
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="call_request_state_expiry")]

    def __str__(self):
        return f"{self.requester_number} → {self.target.number} ({self.state})"

    @classmethod
    def request_call(cls, requester, target, message, token):
        """Creates the pending request from requester to target, or refreshes the one the same developer
        already has pending (another developer's request between the same numbers is not touched).

        Returns True when a new request was created.
        """
        now = timezone.now()
        developer = token.owner_id if token is not None else None
        fields = {"message": message, "token": token, "updated_at": now, "expires_at": cls._expiry(now)}
        pending = cls.objects.filter(
            state=cls.State.PENDING, developer_id=developer, requester_number=requester.e164, target=target
        )
        for _attempt in range(3):
            with transaction.atomic():
                pending.filter(expires_at__lte=now).update(state=cls.State.EXPIRED, updated_at=now)
                if pending.update(**fields):
                    return False
                try:
                    with transaction.atomic():
                        cls.objects.create(
                            requester_number=requester.e164,
                            requester_country=requester.country,
                            target=target,
                            developer_id=developer,
                            **fields,
                        )
                    return True
                except IntegrityError:
                    # A concurrent identical request inserted first: refresh that one instead.
                    if pending.update(**fields):
                        return False
        raise IntegrityError("could not create or refresh the pending call request")

    @classmethod
    def cancel_pending(cls, requester, target, token):
        """Cancels the token's developer's pending request from requester to target; returns whether there was one."""
        developer = token.owner_id if token is not None else None
        pending = cls.objects.pending_between(requester, target, developer)
        return bool(pending.update(state=cls.State.CANCELLED, updated_at=timezone.now()))

    @staticmethod
    def _expiry(now):
        return now + timedelta(seconds=settings.CALL_REQUEST_TTL_SECONDS)


class ApiRequestLogQuerySet(models.QuerySet):
    def for_token(self, token):
        return self.filter(token=token)

    def prune(self, older_than_days=None):
        """Deletes entries older than the retention period; returns how many."""
        days = settings.API_LOG_RETENTION_DAYS if older_than_days is None else older_than_days
        deleted, _by_model = self.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
        return deleted


class ApiRequestLog(models.Model):
    """One call of the Open API. Never holds the token's text, nor the parties' numbers or the message."""

    class Action(models.TextChoices):
        CALLBACK = protocol.CALLBACK, protocol.CALLBACK
        NEOCALLBACK = protocol.NEOCALLBACK, protocol.NEOCALLBACK
        CANCEL = protocol.CANCEL, protocol.CANCEL
        NEOCANCEL = protocol.NEOCANCEL, protocol.NEOCANCEL

    class Transport(models.TextChoices):
        GET = "GET", "GET"
        JSONP = "JSONP", "JSONP"
        POST = "POST", "POST"

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")

    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="request_log"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, blank=True)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    referer_host = models.CharField(_("referer host"), max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = ApiRequestLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API request")
        verbose_name_plural = _("API request log")
        indexes = [models.Index(fields=["token", "-created_at"], name="api_log_token_time")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.transport} {self.action or '-'} {self.result}"


class SeenRequestQuerySet(models.QuerySet):
    def remember(self, fingerprint, until):
        """Records a request fingerprint; False when it was already seen (a replay).

        A unique insert, so it holds across processes and machines sharing the database.
        """
        try:
            with transaction.atomic():
                self.create(fingerprint=fingerprint, expires_at=until)
        except IntegrityError:
            return False
        return True

    def prune(self):
        deleted, _by_model = self.filter(expires_at__lt=timezone.now()).delete()
        return deleted


class SeenRequest(models.Model):
    """Fingerprint of an encrypted request already received, kept while its foot could still be accepted."""

    fingerprint = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = SeenRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("seen request")
        verbose_name_plural = _("seen requests")

    def __str__(self):
        return self.fingerprint
