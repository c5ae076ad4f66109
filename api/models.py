import re
import secrets
import string
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from api import changes, protocol, testmode
from lib import phones
from lib.times import history_for_json, iso_time
from webhooks.models import WebhookEvent, event_type_for_state

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

    def live(self):
        return self.filter(is_test=False)

    def test(self):
        return self.filter(is_test=True)

    def deactivate(self):
        """Deactivates these subscribers (callers then get "not registered"; their phones' held connections end);
        returns how many were active."""
        ids = list(self.filter(active=True).values_list("pk", flat=True))
        with transaction.atomic():
            updated = self.model.objects.filter(pk__in=ids, active=True).update(active=False)
            for subscriber_id in ids:
                changes.subscriber_changed(subscriber_id)
        return updated

    def test_phones_of(self, developer):
        return self.filter(is_test=True, test_owner=developer)

    def for_number(self, e164, test=False):
        """The active subscriber of that world (live, or test) with this E.164 number, or None."""
        return self.active().filter(number=e164, is_test=test).first()

    def by_public_id(self, public_id, test=False):
        """The active subscriber of that world with this public ID (any letter case), or None."""
        normalised = normalise_public_id(public_id)
        if normalised is None:
            return None
        return self.active().filter(public_id=normalised, is_test=test).first()


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
    # Test mode: a magic number's subscriber (no owner) or a developer's virtual test phone, in the reserved range
    # (api.testmode); reached by test tokens only, and a test phone only by its own developer's.
    is_test = models.BooleanField(_("test subscriber"), default=False, db_index=True, editable=False)
    test_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="test_phones",
        verbose_name=_("test phone of"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return f"{self.number} ({self.operator})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        changes.subscriber_changed(self.pk)  # a phone held open ends when its subscriber is deactivated

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
        if not self.is_test and testmode.is_test_number(self.number):
            raise ValidationError({"number": _("This number is in the range reserved for test phones.")})
        if not self.is_test and testmode.is_test_id(self.public_id):
            raise ValidationError({"public_id": _("IDs starting with “test-” are reserved for test phones.")})

    def can_be_reached_by(self, token):
        """Whether this subscriber is in the token's world: live for a live token; for a test token a magic
        number's subscriber or a test phone of the token's own developer."""
        if not token.is_test:
            return not self.is_test
        return self.is_test and self.test_owner_id in (None, token.owner_id)

    @classmethod
    def magic(cls, outcome):
        """The subscriber that a magic outcome's number and ID reach (api.testmode.OUTCOMES), created if need be."""
        # A test subscriber only: a live one holding the number (registered before the range was reserved) must
        # never be played to; creating beside it fails, and the call is answered "service unavailable".
        found = cls.objects.test().filter(number=outcome.number).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return cls.objects.create(
                    number=outcome.number,
                    country=testmode.TEST_COUNTRY,
                    operator=testmode.MAGIC_OPERATOR,
                    public_id=outcome.public_id,
                    is_test=True,
                )
        except IntegrityError:  # another process created it meanwhile
            return cls.objects.test().get(number=outcome.number)

    @classmethod
    def create_test_phone(cls, developer):
        """A new virtual test phone of the developer's, with a free number of the reserved range and a test ID;
        raises TestPhoneLimitReached when they hold TEST_PHONES_PER_DEVELOPER already."""
        if cls.objects.test_phones_of(developer).count() >= settings.TEST_PHONES_PER_DEVELOPER:
            raise TestPhoneLimitReached
        first, last = int(testmode.FIRST_PHONE_NUMBER[1:]), int(testmode.LAST_TEST_NUMBER[1:])
        for _attempt in range(20):
            number = f"+{secrets.randbelow(last - first + 1) + first}"
            public_id = testmode.TEST_ID_PREFIX + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
            try:
                with transaction.atomic():
                    return cls.objects.create(
                        number=number,
                        country=testmode.TEST_COUNTRY,
                        operator=testmode.TEST_PHONE_OPERATOR,
                        public_id=public_id,
                        is_test=True,
                        test_owner=developer,
                    )
            except IntegrityError:  # the number or the ID is taken: draw again
                continue
        raise IntegrityError("no free test phone number found")

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
        # A live subscriber only: a test one with that number (a magic number's, a test phone) is never turned live.
        subscriber = cls.objects.live().filter(number=phone.e164).first() or cls(number=phone.e164)
        subscriber.country, subscriber.operator = phone.country, operator
        subscriber.public_id = public_id or None
        subscriber.active = True
        subscriber.full_clean()
        subscriber.save()
        return subscriber


class TestPhoneLimitReached(Exception):
    """The developer already holds as many test phones as TEST_PHONES_PER_DEVELOPER allows."""


class InvalidTransition(Exception):
    """The call request's state does not allow this change (answering a cancelled request); str() says why."""

    def __init__(self, call_request, new_state):
        self.state, self.new_state = call_request.state, new_state
        super().__init__(f"call request is {call_request.state}")


def _stored_time(value):
    """A time column read past the ORM: SQLite gives its text (UTC), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_ID_ALPHABET = string.ascii_letters + string.digits
_ID_BYTE_LIMIT = 256 // len(_ID_ALPHABET) * len(_ID_ALPHABET)  # 248: a byte below maps evenly onto the 62


def new_call_request_id():
    """An opaque, unguessable public ID ("cr_" and 22 letters and digits): not a sequential number.

    Each character uniformly from the 62, as secrets.choice would pick them, from random bytes below 248 (the
    others skipped): 22 calls of secrets.choice cost an API call about a fortieth."""
    chars = []
    while len(chars) < 22:
        chars += [_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in secrets.token_bytes(32) if byte < _ID_BYTE_LIMIT]
    return "cr_" + "".join(chars[:22])


@cache
def inserted_fields(model):
    """The fields a hand-written INSERT of the model writes: all of its columns but the primary key, as
    objects.create() does, so that a field added to the model is written with its default."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


class PendingEntry:
    """A call's request log entry offered to the statement that carries the call out (PostgreSQL): ApiRequestLog's
    prepared() row; written is set when that statement inserted it (it did something, and named it)."""

    __slots__ = ("row", "written")

    def __init__(self, row):
        self.row, self.written = row, False


class CallRequestQuerySet(models.QuerySet):
    def open(self):
        """Not yet answered, declined, cancelled or expired, and not past their expiry."""
        return self.filter(state__in=CallRequest.OPEN_STATES, expires_at__gt=timezone.now())

    def pending(self):
        """Accepted and not yet on the subscriber's phone, and not past their expiry."""
        return self.filter(state=CallRequest.State.PENDING, expires_at__gt=timezone.now())

    def sent_by(self, developer):
        """The requests the developer's tokens sent: only they see, refresh or cancel them."""
        return self.filter(developer=developer)

    def for_subscriber(self, subscriber):
        return self.filter(target=subscriber)

    def expire_due(self):
        """Moves open requests past their expiry to expired, each change recorded; returns how many."""
        due = self.filter(state__in=CallRequest.OPEN_STATES, expires_at__lte=timezone.now()).select_related(
            "token", "target"
        )
        return sum(call_request.change_to(CallRequest.State.EXPIRED, refuse=False) for call_request in due.iterator())


class CallRequest(models.Model):
    """A request, sent through the API, that a CallbackNow user call the requester back.

    pending (accepted) → delivered (on the phone) → seen (opened) → answered (called back) or declined;
    cancelled (by its sender) or expired at any point before an answer. Each change after pending is a
    CallRequestChange; pending's time is created_at.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        SEEN = "seen", _("Seen")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.PENDING, State.DELIVERED, State.SEEN)
    # Which states each state may be reached from.
    REACHED_FROM = {
        State.DELIVERED: (State.PENDING,),
        State.SEEN: (State.PENDING, State.DELIVERED),
        State.ANSWERED: (State.PENDING, State.DELIVERED, State.SEEN),
        State.DECLINED: (State.PENDING, State.DELIVERED, State.SEEN),
        State.CANCELLED: OPEN_STATES,
        State.EXPIRED: OPEN_STATES,
    }

    public_id = models.CharField(_("ID"), max_length=32, unique=True, default=new_call_request_id, editable=False)
    requester_number = models.CharField(_("requester number (E.164)"), max_length=16)
    requester_country = models.CharField(_("requester country"), max_length=2)
    target = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="call_requests", verbose_name=_("target")
    )
    message = models.TextField(_("message"), blank=True)
    token = models.ForeignKey(
        "accounts.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_requests",
        verbose_name=_("token"),
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
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    objects = CallRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")
        constraints = [
            # Concurrent identical requests race to insert: the database keeps exactly one open.
            models.UniqueConstraint(
                fields=["developer", "requester_number", "target"],
                condition=Q(state__in=["pending", "delivered", "seen"]),
                name="one_open_call_request_per_developer_and_pair",
            )
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="call_request_state_expiry"),
            models.Index(fields=["target", "-updated_at"], name="call_request_target_time"),
        ]

    def __str__(self):
        return f"{self.public_id} ({self.state})"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @classmethod
    def request_call(cls, requester, target, message, token, ttl_seconds=None, entry=None):
        """Creates the open request from requester to target, or refreshes (message, expiry) the one the same
        developer (the token's owner) already has open; another developer's request between the same numbers
        is not touched.

        One statement, an upsert under the partial unique index of open requests, unless the open one is past
        its expiry (it is expired first) or the token's webhooks listen to the creation (the outbox's insert
        joins it in a transaction). Returns (call request, True when it was created).

        entry (PostgreSQL, when nothing listens): the request log entry of the call, ApiRequestLog's prepared() row,
        written by the same statement (atomic by itself: no transaction needed around the call's effect and entry).
        """
        listened = event_type_for_state(cls.State.PENDING) in token.webhook_event_types
        for _attempt in range(3):
            now = timezone.now()
            fields = {
                "message": message,
                "token": token,
                "updated_at": now,
                "expires_at": cls._expiry(now, ttl_seconds),
            }
            candidate = cls(
                requester_number=requester.e164,
                requester_country=requester.country,
                target=target,
                developer_id=token.owner_id,
                created_at=now,
                **fields,
            )
            # The event is written in the request's transaction (the outbox); none is needed without one.
            with transaction.atomic(savepoint=False) if listened else nullcontext():
                current = cls._create_or_refresh(candidate, None if listened else entry)
                if current is not None:
                    current.token, current.target = token, target
                    created = current.public_id == candidate.public_id
                    if created:
                        current.report(cls.State.PENDING, now, history=[(cls.State.PENDING.value, now)])
            if current is not None:
                changes.call_requests_changed(target.pk)
                return current, created
            # The open request is past its expiry: expired now, and the next attempt creates a new one.
            stale = cls.objects.filter(
                state__in=cls.OPEN_STATES, developer_id=token.owner_id, requester_number=requester.e164, target=target
            ).select_related("token", "target")
            for call_request in stale:
                call_request.change_to(cls.State.EXPIRED, refuse=False)
        raise IntegrityError("could not create or refresh the open call request")

    @classmethod
    def _create_or_refresh(cls, candidate, entry=None):
        """INSERT … ON CONFLICT … DO UPDATE … RETURNING under one_open_call_request_per_developer_and_pair
        (PostgreSQL and SQLite alike): the new request, the refreshed open one, or None when the open one is
        past its expiry. With entry (PostgreSQL), the call's log entry is inserted by the same statement, naming
        the request (none when the open one was past its expiry)."""
        fields, sql = cls._upsert()
        values = [field.get_db_prep_save(field.pre_save(candidate, True), connection) for field in fields]
        if entry is not None:
            sql = f"WITH cr AS ({sql}), logged AS ({ApiRequestLog._insert_from_sql('cr')}) SELECT * FROM cr"
            values += ApiRequestLog.params_from(entry.row)
        found = list(cls.objects.raw(sql, values))
        if found and entry is not None:
            entry.written = True
        return found[0] if found else None

    @classmethod
    @cache
    def _upsert(cls):
        """(the fields inserted, every one of the model's: inserted_fields; the statement): built once per process."""
        meta = cls._meta
        fields = inserted_fields(cls)
        columns = ", ".join(field.column for field in fields)
        refreshed = ("message", "token", "updated_at", "expires_at")
        updates = ", ".join(f"{meta.get_field(n).column} = excluded.{meta.get_field(n).column}" for n in refreshed)
        open_states = ", ".join(f"'{state}'" for state in cls.OPEN_STATES)
        sql = (
            f"INSERT INTO {meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT (developer_id, requester_number, target_id) WHERE state IN ({open_states}) "
            f"DO UPDATE SET {updates} WHERE {meta.db_table}.expires_at > excluded.updated_at "
            f"RETURNING {', '.join(field.column for field in meta.concrete_fields)}"
        )
        return fields, sql

    @classmethod
    def cancel_open(cls, requester, target, token, entry=None):
        """Cancels the token's developer's open request from requester to target and records the change, atomically
        (in the caller's transaction, if any); returns it, or None.

        The API's cancel: one UPDATE … RETURNING of the open request (at most one: the partial unique index), and
        on PostgreSQL the change's insert in the same statement; in statements built once per process. entry (on
        PostgreSQL, when nothing listens to the cancellation): the call's request log entry, ApiRequestLog's
        prepared() row, inserted by the same statement when it cancels one (atomic by itself)."""
        now = timezone.now()
        prepared = connection.ops.adapt_datetimefield_value(now)
        state = cls.State.CANCELLED
        if event_type_for_state(state) in token.webhook_event_types:
            entry = None  # the event is written in the change's transaction (report)
        with transaction.atomic(savepoint=False) if entry is None else nullcontext():
            values = {"now": prepared, "developer": token.owner_id, "requester": requester.e164, "target": target.pk}
            sql = cls._cancel_sql()
            if entry is not None:
                sql = sql.replace(" SELECT * FROM done", f", logged AS ({cls._log_from_done_sql()}) SELECT * FROM done")
                values.update((f"e{n}", value) for n, value in enumerate(ApiRequestLog.params_from(entry.row)))
            found = list(cls.objects.raw(sql, values))
            if not found:
                return None
            if entry is not None:
                entry.written = True
            call_request = found[0]
            call_request.token, call_request.target = token, target
            if connection.vendor != "postgresql":  # no INSERT inside a WITH: a statement of its own
                CallRequestChange.objects.create(call_request=call_request, state=state, at=now)
            changes.call_requests_changed(target.pk)
            call_request.report(state, now)
        return call_request

    @classmethod
    @cache
    def _log_from_done_sql(cls):
        """ApiRequestLog._insert_from_sql("done") with named parameters (e0, e1…), as _cancel_sql's are."""
        sql, count = ApiRequestLog._insert_from_sql("done"), [0]

        def named(_match):
            count[0] += 1
            return f"%(e{count[0] - 1})s"

        return re.sub(r"%s", named, sql)

    @classmethod
    @cache
    def _cancel_sql(cls):
        """Cancels the open request of a developer from a requester to a target, and on PostgreSQL records the change:
        named parameters now, developer, requester (E.164) and target; returns the request's columns."""
        quote, meta = connection.ops.quote_name, cls._meta
        table, change = quote(meta.db_table), quote(CallRequestChange._meta.db_table)
        columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
        states = ", ".join(f"'{state}'" for state in cls.OPEN_STATES)
        update = (
            f"UPDATE {table} SET state = '{cls.State.CANCELLED}', updated_at = %(now)s WHERE developer_id = %(developer)s "
            f"AND requester_number = %(requester)s AND target_id = %(target)s AND state IN ({states}) "
            f"AND expires_at > %(now)s RETURNING {columns}"
        )
        if connection.vendor != "postgresql":
            sql = update
        else:
            sql = (
                f"WITH done AS ({update}), recorded AS (INSERT INTO {change} (call_request_id, state, at) "
                f"SELECT id, '{cls.State.CANCELLED}', %(now)s FROM done) SELECT * FROM done"
            )
        return sql

    def change_to(self, state, refuse=True):
        """Moves the request to state if its current state allows it, and records the change, atomically.

        Returns True when changed. Otherwise raises InvalidTransition (refuse) or returns False: the request
        had already moved on (answered, cancelled…), maybe in another process.
        """
        allowed = self.REACHED_FROM[state]
        now = timezone.now()
        # No savepoint inside the caller's transaction (the API's call): a failure fails the whole of it anyway.
        with transaction.atomic(savepoint=False):
            changed = type(self).objects.filter(pk=self.pk, state__in=allowed).update(state=state, updated_at=now)
            if changed:
                CallRequestChange.objects.create(call_request=self, state=state, at=now)
                changes.call_requests_changed(self.target_id)
                self.state, self.updated_at = state, now
                self.report(state, now)
        if changed:
            return True
        self.refresh_from_db(fields=["state", "updated_at"])
        if refuse:
            raise InvalidTransition(self, state)
        return False

    def mark_delivered(self, path=None):
        """On the phone, handed over by path (the device API's "stream" or "long_poll", the virtual phone's "page"),
        which the delivered webhook names."""
        self.delivered_by = path
        return self.change_to(self.State.DELIVERED, refuse=False)

    def mark_seen(self):
        if self.state == self.State.SEEN:
            return False  # opening it again changes nothing
        return self.change_to(self.State.SEEN)

    def answer(self):
        return self.change_to(self.State.ANSWERED)

    def decline(self):
        return self.change_to(self.State.DECLINED)

    def report(self, state, now, history=None):
        """Writes the webhook event of reaching this state in the change's transaction (the outbox), if an
        endpoint of the sending token listens to it."""
        event_type = event_type_for_state(state)
        if self.token_id is not None and event_type in self.token.webhook_event_types:
            data = self.webhook_data(history)
            if state == self.State.DELIVERED and getattr(self, "delivered_by", None):
                data["delivered_by"] = self.delivered_by
            WebhookEvent.record(self.token, event_type, data, subject=self.public_id, now=now)

    def webhook_data(self, history=None):
        """The call request as every webhook event carries it."""
        history = self.history() if history is None else history
        return {
            "id": self.public_id,
            "state": self.state,
            "history": history_for_json(history),
            "requester": {"number": self.requester_number, "country": self.requester_country},
            "target": {"number": self.target.number, "country": self.target.country, "id": self.target.public_id},
            "message": self.message,
            "token": self.token.name if self.token_id else None,
            "expires_at": iso_time(self.expires_at),
        }

    @classmethod
    def with_history(cls, developer, test, public_id):
        """(the call request with this public ID that the developer's tokens sent to a subscriber of that world,
        its history()), or None: one read, in a statement built once per process (the API's status call)."""
        rows = list(cls.objects.raw(cls._with_history_sql(), [public_id, developer, test]))
        if not rows:
            return None
        changes = [(row.change_state, _stored_time(row.change_at)) for row in rows if row.change_state is not None]
        found = rows[0]
        return found, [(cls.State.PENDING.value, found.created_at), *changes]

    @classmethod
    @cache
    def _with_history_sql(cls):
        quote, meta = connection.ops.quote_name, cls._meta
        change, subscriber = CallRequestChange._meta.db_table, Subscriber._meta.db_table
        columns = ", ".join(f"r.{quote(field.column)}" for field in meta.concrete_fields)
        return (
            f"SELECT {columns}, c.state AS change_state, c.at AS change_at FROM {quote(meta.db_table)} r "
            f"JOIN {quote(subscriber)} s ON s.id = r.target_id "
            f"LEFT JOIN {quote(change)} c ON c.call_request_id = r.id "
            "WHERE r.public_id = %s AND r.developer_id = %s AND s.is_test = %s ORDER BY c.at, c.id"
        )

    def history(self):
        """[(state, time)] in order: pending at creation, then every recorded change."""
        changes = [(change.state, change.at) for change in self.changes.all()]
        return [(self.State.PENDING.value, self.created_at), *changes]

    @staticmethod
    def _expiry(now, ttl_seconds=None):
        return now + timedelta(seconds=settings.CALL_REQUEST_TTL_SECONDS if ttl_seconds is None else ttl_seconds)

    @property
    def is_test(self):
        return self.target.is_test


class CallRequestChange(models.Model):
    """One change of a call request's state, with its time: the request's history after pending."""

    call_request = models.ForeignKey(
        CallRequest, on_delete=models.CASCADE, related_name="changes", verbose_name=_("call request")
    )
    state = models.CharField(_("state"), max_length=16, choices=CallRequest.State.choices)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call request change")
        verbose_name_plural = _("call request changes")
        constraints = [
            # Each state is reached at most once: a change is recorded once, whatever the races.
            models.UniqueConstraint(fields=["call_request", "state"], name="one_change_per_call_request_state")
        ]

    def __str__(self):
        return f"{self.call_request_id} → {self.state}"


class ApiRequestLogQuerySet(models.QuerySet):
    def for_token(self, token):
        return self.filter(token=token)

    def write(self, **values):
        """Inserts one entry: what objects.create() writes (the same columns and defaults, the same values as
        each field prepares them), in a statement built once per process, with no model instance nor signals.
        The API writes one for every call: the ORM's building of an insert would cost a call half again."""
        with connection.cursor() as cursor:
            cursor.execute(ApiRequestLog._insert_sql(), self.prepared(**values))

    def prepared(self, **values):
        """The values of write()'s insert, in the order of inserted_fields(ApiRequestLog), as the database takes them."""
        row = []
        for field in inserted_fields(ApiRequestLog):
            value = values.pop(field.attname if field.attname in values else field.name, None)
            if hasattr(value, "pk"):
                value = value.pk
            if value is None and not field.null:
                value = field.get_default()
            row.append(field.get_db_prep_save(value, connection))
        if values:
            raise TypeError(f"not fields of the request log: {', '.join(values)}")
        return row

    def prune(self, older_than_days=None):
        """Deletes entries older than the retention period; returns how many."""
        days = settings.API_LOG_RETENTION_DAYS if older_than_days is None else older_than_days
        deleted, _by_model = self.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
        return deleted


class ApiRequestLog(models.Model):
    """One call of the Open API, written in one insert as it is answered. Never holds the token's text (masked
    wherever the request carried it); the request as received (numbers, message) and the answer are kept for
    its developer to inspect, and go with the entry after API_LOG_RETENTION_DAYS."""

    class Action(models.TextChoices):
        CALLBACK = protocol.CALLBACK, protocol.CALLBACK
        NEOCALLBACK = protocol.NEOCALLBACK, protocol.NEOCALLBACK
        CANCEL = protocol.CANCEL, protocol.CANCEL
        NEOCANCEL = protocol.NEOCANCEL, protocol.NEOCANCEL
        STATUS = protocol.STATUS, protocol.STATUS

    class Transport(models.TextChoices):
        GET = "GET", "GET"
        JSONP = "JSONP", "JSONP"
        POST = "POST", "POST"

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")

    request_id = models.CharField(_("request ID"), max_length=32, db_index=True, blank=True)
    token = models.ForeignKey(
        "accounts.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_log",
        verbose_name=_("token"),
    )
    # No constraint in the database (Django still sets it NULL when its call request is deleted): PostgreSQL's check
    # of one would take a share lock on the call-request table for every entry, even one that names none, so that a
    # lock held on that table would also stop the entries of the calls it fails (answered "service unavailable").
    call_request = models.ForeignKey(
        CallRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="request_log",
        verbose_name=_("call request"),
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
    # The request as received (method, path and query with the token masked, the headers that matter, a POST's
    # decrypted fields with mytoken masked) and the answer's body: api.request_log writes them.
    received = models.JSONField(_("request"), default=dict, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    numbers = models.CharField(_("numbers"), max_length=64, blank=True, help_text=_("The call's numbers, digits only."))

    objects = ApiRequestLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API request")
        verbose_name_plural = _("API request log")
        indexes = [
            models.Index(fields=["token", "-created_at"], name="api_log_token_time"),
            # The log's search: a reason, a status or an address among a token's many calls, newest first.
            models.Index(fields=["token", "reason", "-created_at"], name="api_log_token_reason_time"),
            models.Index(fields=["token", "status", "-created_at"], name="api_log_token_status_time"),
            models.Index(fields=["token", "client_ip", "-created_at"], name="api_log_token_address_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.transport} {self.action or '-'} {self.result}"

    @classmethod
    @cache
    def _insert_sql(cls):
        quote = connection.ops.quote_name
        fields = inserted_fields(cls)
        columns = ", ".join(quote(field.column) for field in fields)
        return f"INSERT INTO {quote(cls._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"

    @classmethod
    @cache
    def _insert_from_sql(cls, source):
        """An INSERT of one entry per row of the CTE `source` (PostgreSQL), its call request being that row (id):
        parameters, prepared()'s row but the call request's value."""
        quote = connection.ops.quote_name
        fields = inserted_fields(cls)
        values = [
            f"{source}.id" if field.name == "call_request" else f"%s::{field.db_type(connection)}" for field in fields
        ]
        columns = ", ".join(quote(field.column) for field in fields)
        return f"INSERT INTO {quote(cls._meta.db_table)} ({columns}) SELECT {', '.join(values)} FROM {source}"

    @staticmethod
    def params_from(row):
        """prepared()'s row as _insert_from_sql() takes it: without the call request's value."""
        names = [field.name for field in inserted_fields(ApiRequestLog)]
        return [value for name, value in zip(names, row, strict=True) if name != "call_request"]


class SeenRequestQuerySet(models.QuerySet):
    def remember(self, fingerprint, until):
        """Records a request fingerprint; False when it was already seen (a replay).

        One unique insert that skips a fingerprint already there, so it holds across processes and machines
        sharing the database, and costs one statement (no transaction, no savepoint).

        On PostgreSQL its commit does not wait for the write-ahead log to reach the disk (synchronous_commit off
        for this one statement's transaction): that wait cost the encrypted POST a quarter of its throughput.
        Nothing durable is given up that a caller was told: the row is seen by every other connection as soon as
        it commits, and the call's next commit that does wait (its call request's, its request log entry's)
        flushes the log up to there, this row with it. Only a crash before any such commit can lose it, and then
        the call was not done (a callback's answer was 503, or not sent).
        """
        with connection.cursor() as cursor:
            cursor.execute(self._insert_sql(), [fingerprint, connection.ops.adapt_datetimefield_value(until)])
            return cursor.rowcount == 1

    @staticmethod
    @cache
    def _insert_sql():
        table = connection.ops.quote_name(SeenRequest._meta.db_table)
        if connection.vendor == "postgresql":
            return (
                f"INSERT INTO {table} (fingerprint, expires_at) SELECT %s, %s "
                "WHERE set_config('synchronous_commit', 'off', true) = 'off' ON CONFLICT (fingerprint) DO NOTHING"
            )
        return f"INSERT INTO {table} (fingerprint, expires_at) VALUES (%s, %s) ON CONFLICT (fingerprint) DO NOTHING"

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


@transaction.atomic
def clear_test_data(developer):
    """Deletes what the developer's test tokens left: their call requests (with their histories and webhook events,
    deliveries and attempts), their request log and their other webhook events (test sends). Test tokens, test
    phones and webhook endpoints stay. Returns {"call_requests": n, "log_entries": n}."""
    tokens = ApiToken.objects.for_owner(developer).test()
    requests = CallRequest.objects.sent_by(developer).filter(target__is_test=True)
    call_requests = requests.count()
    requests.delete()
    log_entries, _by_model = ApiRequestLog.objects.filter(token__in=tokens).delete()
    WebhookEvent.objects.filter(token__in=tokens).delete()
    return {"call_requests": call_requests, "log_entries": log_entries}


# A subscriber's blocks and spam reports: models of this app, beside their rules.
from api.recipients import Block, SpamReport  # noqa: E402, F401
