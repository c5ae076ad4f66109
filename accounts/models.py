from datetime import timedelta

from allauth.account.utils import has_verified_email
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.debug import sensitive_variables

from accounts import token_crypto
from accounts.restrictions import Restriction, refusal
from lib.hosts import host_from_header, host_matches, patterns_for_host


class TokenLimitReached(Exception):
    """The developer already holds as many tokens as TOKENS_PER_DEVELOPER allows."""


class TokenStateError(Exception):
    """The token's state does not allow this action (for example approving a revoked token)."""


class TokenApproval(models.TextChoices):
    """TOKEN_APPROVAL: whether a new live token works at once or waits for staff (test tokens never wait)."""

    AUTO = "auto"
    MANUAL = "manual"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that may call the API now: state active and not past their expiry."""
        return self.filter(state=ApiToken.State.ACTIVE).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )

    def for_host(self, host):
        """Tokens whose host pattern allows this (normalised) host; uses the host index."""
        return self.filter(host__in=patterns_for_host(host))

    def for_owner(self, user):
        return self.filter(owner=user)

    def with_reach(self):
        """Read with the account's target countries (Reach), in the same statement: the API asks on every call."""
        return self.select_related("owner__reach")

    def counting_toward_cap(self):
        return self.exclude(state__in=[ApiToken.State.REVOKED, ApiToken.State.REJECTED])

    def live(self):
        return self.filter(is_test=False)

    def test(self):
        return self.filter(is_test=True)

    def of_mode(self, test):
        return self.filter(is_test=bool(test))


class ApiTokenManager(models.Manager.from_queryset(ApiTokenQuerySet)):
    def lookup(self, value):
        """The token this value is a secret of (current, or rolled-over previous), or None.

        Sets token.matched_previous when the value is the previous secret of a roll; whether that
        secret is still accepted is token.accepts(value).
        """
        if not value:
            return None
        hashed = token_crypto.digest(value)
        token = self.filter(Q(digest=hashed) | Q(previous_digest=hashed)).with_reach().first()
        if token is not None:
            token.matched_previous = token.digest != hashed
        return token

    def find_active(self, value):
        """The active token that accepts this value now (current secret, or previous within its grace), or None."""
        token = self.lookup(value)
        if token is not None and token.is_active and token.accepts(value):
            return token
        return None


class ApiToken(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    GRACE_CHOICES = [
        (0, _("None: the old token stops working now")),
        (3600, _("1 hour")),
        (86400, _("24 hours")),
        (604800, _("7 days")),
    ]

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("host"), max_length=255, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    state_reason = models.TextField(_("reason"), blank=True)

    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    last4 = models.CharField(_("last four characters"), max_length=4, editable=False)
    secret_encrypted = models.TextField(_("secret, encrypted"), editable=False)
    digest = models.CharField(_("secret digest"), max_length=64, unique=True, editable=False)
    previous_secret_encrypted = models.TextField(_("previous secret, encrypted"), blank=True, editable=False)
    previous_digest = models.CharField(
        _("previous secret digest"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    previous_valid_until = models.DateTimeField(_("previous secret valid until"), null=True, blank=True, editable=False)

    # Test mode (cbn_test_…): reaches only test subscribers (the magic numbers and its developer's test phones);
    # active at once, even where live tokens wait for staff approval. A live token never reaches a test subscriber.
    is_test = models.BooleanField(_("test token"), default=False, db_index=True, editable=False)

    # Who may call with it (accounts.restrictions): a page of its host, its servers' addresses, or legacy's rule.
    restriction = models.CharField(
        _("application restriction"), max_length=16, choices=Restriction.choices, default=Restriction.WEBSITES
    )
    allowed_addresses = models.JSONField(_("allowed addresses"), default=list, blank=True)  # servers: IPs, CIDRs
    # E.164 numbers ("+821012345678") and prefixes ("+82212*") that "my number" may be; empty: any it may dial.
    allowed_callback_numbers = models.JSONField(_("allowed callback numbers"), default=list, blank=True)
    legacy_notified_at = models.DateTimeField(
        _("told of its legacy restriction"), null=True, blank=True, editable=False
    )

    rate_limit_per_minute = models.PositiveIntegerField(
        _("rate limit per minute"), null=True, blank=True, help_text=_("Empty: the site default.")
    )
    # The event types that an enabled webhook endpoint of the token listens to, kept by the webhooks app
    # (refresh_listened_events), so that a call of a token without webhooks writes no event (the token row is read
    # on every call anyway).
    webhook_event_types = models.JSONField(_("webhook events"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.masked})"

    # ---- reading -------------------------------------------------------------------------

    @property
    def masked(self):
        return token_crypto.mask(self.prefix, self.last4)

    @property
    def secret(self):
        """The token's plaintext. Only for the API's AES key and for an authorised reveal."""
        return token_crypto.decrypt_secret(self.secret_encrypted)

    @property
    def effective_state(self):
        if self.state == self.State.ACTIVE and self.expires_at and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State(self.state)

    @property
    def is_active(self):
        return self.effective_state == self.State.ACTIVE

    @property
    def is_closed(self):
        """Revoked or rejected: the token can never work again, so it is no longer renamed, moved or revealed."""
        return self.state in (self.State.REVOKED, self.State.REJECTED)

    @property
    def is_live(self):
        """Pending, active (even if expired) or suspended: the states a developer can still revoke."""
        return self.state in (self.State.PENDING, self.State.ACTIVE, self.State.SUSPENDED)

    @property
    def previous_in_grace(self):
        return bool(self.previous_digest and self.previous_valid_until and self.previous_valid_until > timezone.now())

    def accepts(self, value):
        """Whether this value is a secret the token accepts now (its current one, or the previous in grace)."""
        hashed = token_crypto.digest(value)
        return hashed == self.digest or (hashed == self.previous_digest and self.previous_in_grace)

    def accepted_secrets(self):
        """Plaintexts accepted now, current first: the AES keys to try on an encrypted request."""
        keys = [self.secret]
        if self.previous_in_grace:
            keys.append(token_crypto.decrypt_secret(self.previous_secret_encrypted))
        return keys

    def allows_host(self, host):
        return host_matches(self.host, host)

    def allows_referer(self, header_value):
        """Whether a Referer/Origin header value names a host this token is bound to."""
        return host_matches(self.host, host_from_header(header_value))

    def refusal_of_caller(self, origin, referer, address):
        """Why the token's restriction refuses a caller with these headers from this address, or None."""
        return refusal(self, origin, referer, address)

    def reaches_country(self, country):
        """Whether the token's account may reach people of this country (an account without Reach: every one)."""
        try:
            reach = self.owner.reach
        except ObjectDoesNotExist:
            return True
        return reach.allows(country)

    @property
    def is_legacy(self):
        return self.restriction == Restriction.LEGACY

    def rate_limit(self):
        return self.rate_limit_per_minute or settings.API_RATE_LIMIT_PER_MINUTE

    # ---- lifecycle -------------------------------------------------------------------------

    def _set_secret(self, plaintext):
        self.prefix = plaintext[: 8 if self.is_test else 4]  # "cbn_test" or "cbn_": the mask shows which
        self.last4 = plaintext[-4:]
        self.secret_encrypted = token_crypto.encrypt_secret(plaintext)
        self.digest = token_crypto.digest(plaintext)

    @classmethod
    @sensitive_variables("plaintext")
    def issue(cls, owner, name, host, actor=None, ip=None, test=False, restriction=None, addresses=()):
        """Creates a token for a developer and returns (token, plaintext); the plaintext is never stored.

        A test token is active at once, whatever TOKEN_APPROVAL says, and counts toward its own cap. Its restriction
        is none unless given; a live token's is websites unless given (never legacy: that is for older tokens).
        """
        if restriction is None:
            restriction = Restriction.NONE if test else Restriction.WEBSITES
        if restriction == Restriction.LEGACY:
            raise ValueError("legacy is for tokens issued before restrictions")
        with transaction.atomic():
            # Lock the owner's row so two concurrent applications cannot both pass the cap.
            owner._meta.model.objects.select_for_update().filter(
                pk=owner.pk
            ).first()  # owner may be a lazy request.user
            cap = settings.TEST_TOKENS_PER_DEVELOPER if test else settings.TOKENS_PER_DEVELOPER
            if cls.objects.for_owner(owner).of_mode(test).counting_toward_cap().count() >= cap:
                raise TokenLimitReached
            auto = test or settings.TOKEN_APPROVAL == TokenApproval.AUTO
            state = cls.State.ACTIVE if auto else cls.State.PENDING
            token = cls(owner=owner, name=name, host=host, state=state, is_test=test, restriction=restriction)
            token.allowed_addresses = list(addresses) if restriction == Restriction.SERVERS else []
            plaintext = token_crypto.generate_token(test=test)
            token._set_secret(plaintext)
            token.save()
            issued = {"host": host, "restriction": restriction, "addresses": token.allowed_addresses or None}
            TokenEvent.record(token, TokenEvent.Kind.ISSUED, actor or owner, ip, **issued)
            if auto:
                TokenEvent.record(token, TokenEvent.Kind.APPROVED, automatic=True)
        return token, plaintext

    def _transition(self, allowed_from, new_state, kind, actor, ip, reason=""):
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.state not in allowed_from:
                raise TokenStateError(f"cannot go from {current.state} to {new_state}")
            current.state = new_state
            current.state_reason = reason
            fields = ["state", "state_reason", "updated_at"]
            if new_state == self.State.REVOKED:  # for good: nothing of a rolled-out secret is kept either
                current.previous_secret_encrypted, current.previous_digest, current.previous_valid_until = (
                    "",
                    None,
                    None,
                )
                fields += ["previous_secret_encrypted", "previous_digest", "previous_valid_until"]
            current.save(update_fields=fields)
            TokenEvent.record(current, kind, actor, ip, reason=reason)
        self.refresh_from_db()

    def approve(self, actor=None, ip=None):
        self._transition([self.State.PENDING], self.State.ACTIVE, TokenEvent.Kind.APPROVED, actor, ip)

    def reject(self, reason, actor=None, ip=None):
        self._transition([self.State.PENDING], self.State.REJECTED, TokenEvent.Kind.REJECTED, actor, ip, reason)

    def suspend(self, reason="", actor=None, ip=None):
        self._transition([self.State.ACTIVE], self.State.SUSPENDED, TokenEvent.Kind.SUSPENDED, actor, ip, reason)

    def reactivate(self, actor=None, ip=None):
        self._transition([self.State.SUSPENDED], self.State.ACTIVE, TokenEvent.Kind.REACTIVATED, actor, ip)

    def revoke(self, actor=None, ip=None):
        live = [self.State.PENDING, self.State.ACTIVE, self.State.SUSPENDED]
        self._transition(live, self.State.REVOKED, TokenEvent.Kind.REVOKED, actor, ip)

    @sensitive_variables("plaintext")
    def roll(self, grace_seconds, actor=None, ip=None):
        """Gives the token a new secret at once; the old one is accepted for grace_seconds more. Returns the new plaintext."""
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.effective_state != self.State.ACTIVE:
                raise TokenStateError("only an active token can be rolled")
            if grace_seconds:
                current.previous_secret_encrypted = current.secret_encrypted
                current.previous_digest = current.digest
                current.previous_valid_until = timezone.now() + timedelta(seconds=grace_seconds)
            else:
                current.previous_secret_encrypted = ""
                current.previous_digest = None
                current.previous_valid_until = None
            plaintext = token_crypto.generate_token(test=current.is_test)
            current._set_secret(plaintext)
            current.save()
            TokenEvent.record(current, TokenEvent.Kind.ROLLED, actor, ip, grace_seconds=int(grace_seconds))
        self.refresh_from_db()
        return plaintext

    def reveal(self, actor, ip=None):
        """The plaintext for an authorised developer; every reveal is audited."""
        self._refuse_if_closed()
        TokenEvent.record(self, TokenEvent.Kind.REVEALED, actor, ip)
        return self.secret

    def _refuse_if_closed(self):
        if self.is_closed:
            raise TokenStateError(f"a {self.state} token cannot be changed or revealed")

    def rename(self, name, actor=None, ip=None):
        self._refuse_if_closed()
        if name == self.name:
            return
        old = self.name
        self.name = name
        self.save(update_fields=["name", "updated_at"])
        TokenEvent.record(self, TokenEvent.Kind.RENAMED, actor, ip, old_name=old, new_name=name)

    def change_host(self, host, actor=None, ip=None):
        self._refuse_if_closed()
        if host == self.host:
            return
        old = self.host
        self.host = host
        # Under manual approval staff approved a host, not a token: a new host waits for approval again.
        back_to_review = (
            settings.TOKEN_APPROVAL == TokenApproval.MANUAL and self.state == self.State.ACTIVE and not self.is_test
        )
        if back_to_review:
            self.state = self.State.PENDING
            self.state_reason = ""
        with transaction.atomic():
            self.save(update_fields=["host", "state", "state_reason", "updated_at"])
            changed = {"old_host": old, "new_host": host, "awaits_approval": back_to_review}
            TokenEvent.record(self, TokenEvent.Kind.HOST_CHANGED, actor, ip, **changed)

    def set_rate_limit(self, limit, actor=None, ip=None):
        """Staff's own rate limit for this token (None: the site default), kept in its activity log. Returns whether
        it changed."""
        if limit == self.rate_limit_per_minute:
            return False
        old = self.rate_limit_per_minute
        with transaction.atomic():
            self.rate_limit_per_minute = limit
            self.save(update_fields=["rate_limit_per_minute", "updated_at"])
            TokenEvent.record(self, TokenEvent.Kind.LIMIT_CHANGED, actor, ip, old_limit=old, new_limit=limit)
        return True

    def restrict(self, restriction, addresses=(), actor=None, ip=None):
        """Sets the token's application restriction (never back to legacy), kept in its activity log. Returns
        whether it changed."""
        self._refuse_if_closed()
        if restriction == Restriction.LEGACY:
            raise ValueError("legacy is for tokens issued before restrictions")
        addresses = list(addresses) if restriction == Restriction.SERVERS else []
        if restriction == self.restriction and addresses == self.allowed_addresses:
            return False
        old = self.restriction
        with transaction.atomic():
            self.restriction, self.allowed_addresses = restriction, addresses
            self.save(update_fields=["restriction", "allowed_addresses", "updated_at"])
            changed = {"old_restriction": old, "new_restriction": restriction, "addresses": addresses or None}
            TokenEvent.record(self, TokenEvent.Kind.RESTRICTED, actor, ip, **changed)
        return True

    def set_callback_numbers(self, numbers, actor=None, ip=None):
        """The callback numbers ("my number") the token may send, exact or as prefixes; empty: any. Returns whether
        they changed."""
        self._refuse_if_closed()
        numbers = list(numbers)
        if numbers == self.allowed_callback_numbers:
            return False
        with transaction.atomic():
            self.allowed_callback_numbers = numbers
            self.save(update_fields=["allowed_callback_numbers", "updated_at"])
            TokenEvent.record(self, TokenEvent.Kind.CALLBACK_NUMBERS, actor, ip, numbers=numbers)
        return True

    def allows_callback_number(self, e164):
        """Whether "my number" (E.164) is one of the token's allowed callback numbers, or it lists none."""
        allowed = self.allowed_callback_numbers
        if not allowed:
            return True
        return any(e164.startswith(each[:-1]) if each.endswith("*") else e164 == each for each in allowed)

    @classmethod
    def test_token_for(cls, owner):
        """The developer's active test token, issued now if they have none (test mode needs no approval).

        Only for a developer whose email address is verified; None for anyone else, or when the test tokens they
        hold (revoked or suspended ones) leave no room for another.
        """
        if not getattr(owner, "is_authenticated", False) or not has_verified_email(owner):
            return None
        found = cls.objects.for_owner(owner).test().active().order_by("created_at", "id").first()
        if found is not None:
            return found
        try:
            return cls.issue(owner, str(_("Test token")), "localhost", test=True)[0]
        except TokenLimitReached:
            return None

    def record_use(self, ip):
        """Keeps last-used time and address current with at most one write per token per interval.

        Read from the row itself (the API's copy of it is under a second old), so it needs no cache: a process
        writes when the last write it knows of is older than the interval.
        """
        now = timezone.now()
        interval = timedelta(seconds=settings.TOKEN_LAST_USED_WRITE_INTERVAL)
        if self.last_used_at is not None and now - self.last_used_at < interval:
            return
        self.last_used_at, self.last_used_ip = now, ip or None
        type(self).objects.filter(pk=self.pk).update(last_used_at=now, last_used_ip=ip or None)


class TokenEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("token events are append-only")

    def delete(self):
        raise TypeError("token events are append-only")


class TokenEvent(models.Model):
    """Append-only audit log of everything that happens to a token."""

    class Kind(models.TextChoices):
        # Nouns for the activity log, distinct from the state labels ("Rejected" as a state is an adjective).
        ISSUED = "issued", pgettext_lazy("event", "Issued")
        APPROVED = "approved", pgettext_lazy("event", "Approved")
        REJECTED = "rejected", pgettext_lazy("event", "Rejected")
        SUSPENDED = "suspended", pgettext_lazy("event", "Suspended")
        REACTIVATED = "reactivated", pgettext_lazy("event", "Reactivated")
        REVOKED = "revoked", pgettext_lazy("event", "Revoked")
        ROLLED = "rolled", pgettext_lazy("event", "Rolled")
        REVEALED = "revealed", pgettext_lazy("event", "Revealed")
        RENAMED = "renamed", pgettext_lazy("event", "Renamed")
        HOST_CHANGED = "host_changed", pgettext_lazy("event", "Host changed")
        LIMIT_CHANGED = "limit_changed", pgettext_lazy("event", "Rate limit changed")
        RESTRICTED = "restricted", pgettext_lazy("event", "Restriction changed")
        CALLBACK_NUMBERS = "callback_numbers", pgettext_lazy("event", "Callback numbers changed")

    # Where a token was revealed, when not on its own page (data["where"] of a REVEALED event).
    TEST_PAGE = "test_page"

    # The values each kind of event may keep in `data`.
    DATA_KEYS = {
        Kind.ISSUED: {"host", "restriction", "addresses"},
        Kind.APPROVED: {"automatic"},
        Kind.REJECTED: {"reason"},
        Kind.SUSPENDED: {"reason"},
        Kind.ROLLED: {"grace_seconds"},
        Kind.REVEALED: {"where"},
        Kind.RENAMED: {"old_name", "new_name"},
        Kind.HOST_CHANGED: {"old_host", "new_host", "awaits_approval"},
        Kind.LIMIT_CHANGED: {"old_limit", "new_limit"},  # a missing one: the site default
        Kind.RESTRICTED: {"old_restriction", "new_restriction", "addresses"},
        Kind.CALLBACK_NUMBERS: {"numbers"},
    }

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="events", verbose_name=_("token"))
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("actor")
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # The kind's values by name (DATA_KEYS), never a sentence: event_detail says them in the reader's language.
    # {"text": …} is an older detail that migration 0003 could not read into values.
    data = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = TokenEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token event")
        verbose_name_plural = _("token events")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.token_id} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("token events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("token events are append-only")

    @classmethod
    def record(cls, token, kind, actor=None, ip=None, **data):
        """Appends an event; `data` holds the kind's values (DATA_KEYS), an empty reason or host is left out."""
        data = {key: value for key, value in data.items() if value not in (None, "")}
        unknown = data.keys() - cls.DATA_KEYS.get(kind, set())
        if unknown:
            raise TypeError(f"a {kind} event keeps no {', '.join(sorted(unknown))}")
        label = "system" if actor is None else (getattr(actor, "email", "") or str(actor))
        return cls.objects.create(token=token, kind=kind, actor=actor, actor_label=label, ip=ip or None, data=data)


class Reach(models.Model):
    """The target countries a developer account's live tokens may reach. An account without a row reaches every
    country (accounts made before target countries); a new account starts with the country it signed up from, and
    staff may enable more or restrict it in the admin."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reach", verbose_name=_("developer")
    )
    every_country = models.BooleanField(_("every country"), default=False)
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text=_("ISO 3166 codes, such as KR."))

    class Meta:
        verbose_name = _("target countries")
        verbose_name_plural = _("target countries")

    def __str__(self):
        return str(_("every country")) if self.every_country else ", ".join(self.countries)

    def allows(self, country):
        return self.every_country or country.upper() in self.countries
