"""What a subscriber controls of who may ask them to call (issue 24): blocks of a callback number or of a developer
account, and spam reports, which block the sender and count against the developer. The Open API refuses a blocked
sender (api.guards) before anything is written; the device API is where a subscriber sets them (device.controls).

Models of the api app (imported by api.models), kept here beside their rules."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BlockQuerySet(models.QuerySet):
    def of(self, subscriber):
        return self.filter(subscriber=subscriber)

    def stopping(self, subscriber_id, developer_id, callback_number):
        """The blocks of this subscriber that stop a request from this developer with this callback number."""
        return self.filter(Q(developer_id=developer_id) | Q(number=callback_number), subscriber_id=subscriber_id)


class Block(models.Model):
    """A subscriber's block of a callback number ("my number" of requests) or of a developer account (every token)."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("Callback number")
        DEVELOPER = "developer", _("Developer")

    public_id = models.CharField(_("ID"), max_length=32, unique=True, editable=False)
    subscriber = models.ForeignKey(
        "api.Subscriber", on_delete=models.CASCADE, related_name="blocks", verbose_name=_("subscriber")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("callback number (E.164)"), max_length=16, blank=True)
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocked_by",
        verbose_name=_("developer"),
    )
    label = models.CharField(_("shown as"), max_length=120, blank=True)  # a developer's app name, for the list
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = BlockQuerySet.as_manager()

    class Meta:
        app_label = "api"
        ordering = ["-created_at", "-id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "number"], condition=Q(kind="number"), name="one_number_block"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "developer"], condition=Q(kind="developer"), name="one_developer_block"
            ),
        ]

    def __str__(self):
        return f"{self.subscriber_id} blocks {self.number or self.developer_id}"

    @classmethod
    def add(cls, subscriber, kind, number="", developer=None, label=""):
        """The block, made now or found (blocking twice is one block)."""
        from api.models import new_call_request_id  # api.models imports this module: the same kind of ID

        found = cls.objects.of(subscriber).filter(kind=kind, number=number, developer=developer).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return cls.objects.create(
                    public_id="blk_" + new_call_request_id()[3:],
                    subscriber=subscriber,
                    kind=kind,
                    number=number,
                    developer=developer,
                    label=label,
                )
        except IntegrityError:  # made at the same moment by another request
            return cls.objects.of(subscriber).get(kind=kind, number=number, developer=developer)


class Blocked:
    """What one subscriber blocks, read once for the API's calls (api.callers remembers it)."""

    __slots__ = ("numbers", "developers")

    def __init__(self, numbers=(), developers=()):
        self.numbers, self.developers = frozenset(numbers), frozenset(developers)

    @classmethod
    def of(cls, subscriber_id):
        rows = Block.objects.filter(subscriber_id=subscriber_id).values_list("number", "developer_id")
        rows = list(rows)
        return cls((number for number, _ in rows if number), (developer for _, developer in rows if developer))

    def stop(self, developer_id, callback_number):
        return developer_id in self.developers or callback_number in self.numbers


class SpamReport(models.Model):
    """A subscriber's report of a call request as spam. Past SPAM_REPORTS_TO_SUSPEND reports of one developer from
    different subscribers within SPAM_REPORT_DAYS, the developer's live tokens are suspended for review."""

    subscriber = models.ForeignKey("api.Subscriber", on_delete=models.CASCADE, verbose_name=_("subscriber"))
    call_request = models.OneToOneField(
        "api.CallRequest", on_delete=models.CASCADE, related_name="spam_report", verbose_name=_("call request")
    )
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spam_reports", verbose_name=_("developer")
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)

    class Meta:
        app_label = "api"
        ordering = ["-created_at", "-id"]
        verbose_name = _("spam report")
        verbose_name_plural = _("spam reports")

    def __str__(self):
        return f"{self.call_request_id} reported by {self.subscriber_id}"

    @classmethod
    def reporters_of(cls, developer_id, now=None):
        """How many different subscribers reported the developer within SPAM_REPORT_DAYS."""
        since = (now or timezone.now()) - timedelta(days=settings.SPAM_REPORT_DAYS)
        reports = cls.objects.filter(developer_id=developer_id, created_at__gte=since)
        return reports.values("subscriber").distinct().count()


def report_spam(subscriber, call_request):
    """The subscriber reports one of their call requests as spam: the report (once per request), a block of its
    developer, the request declined if still open; past the threshold the developer is suspended for review.
    Returns (the report, whether the developer was suspended now)."""
    developer = call_request.developer
    with transaction.atomic():
        report, created = SpamReport.objects.get_or_create(
            call_request=call_request, defaults={"subscriber": subscriber, "developer": developer}
        )
        Block.add(subscriber, Block.Kind.DEVELOPER, developer=developer, label=call_request.token.name)
    if call_request.is_open:
        call_request.decline()
    suspended = created and suspend_for_review_past_threshold(developer)
    return report, suspended


def suspend_for_review_past_threshold(developer):
    """Suspends the developer's active live tokens for review once SPAM_REPORTS_TO_SUSPEND different subscribers
    reported them within SPAM_REPORT_DAYS; mails the developer and staff. Returns whether it suspended any."""
    from accounts import notify
    from accounts.models import ApiToken

    if SpamReport.reporters_of(developer.pk) < settings.SPAM_REPORTS_TO_SUSPEND:
        return False
    tokens = list(ApiToken.objects.for_owner(developer).live().active())
    for token in tokens:
        token.suspend(SUSPENDED_FOR_REVIEW)
    if tokens:
        notify.suspended_for_review(developer, tokens, SpamReport.reporters_of(developer.pk))
    return bool(tokens)


# The reason a suspended token's page shows its developer (in English, as staff's reasons are).
SUSPENDED_FOR_REVIEW = "Suspended for review: people who received your call requests reported them as spam."
