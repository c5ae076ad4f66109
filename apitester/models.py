from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from api import protocol
from apitester.outcomes import Outcome

MAX_STORED_BODY = 16 * 1024


class SentRequestQuerySet(models.QuerySet):
    def for_owner(self, user):
        return self.filter(owner=user) if user.is_authenticated else self.none()


class SentRequest(models.Model):
    """One request a developer sent from the test page: enough to show it and send it again.

    Never the token's text: the token is a foreign key, and the URL is kept with the token masked.
    """

    KEEP = 50

    class Transport(models.TextChoices):
        GET = protocol.GET, _("GET URL")
        JSONP = protocol.JSONP, _("GET with a JSONP callback")
        POST = protocol.POST, _("Encrypted POST (the seed's PHP client)")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_test_requests")
    token = models.ForeignKey("accounts.ApiToken", on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(pgettext_lazy("api action", "action"), max_length=16)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices)
    my_number = models.CharField(max_length=64)
    my_country = models.CharField(max_length=64)
    target_number = models.CharField(max_length=64, blank=True)
    target_country = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=128, blank=True)
    message = models.TextField(blank=True)
    callback = models.CharField(max_length=128, blank=True)
    as_typed = models.BooleanField(default=False)
    method = models.CharField(max_length=8)
    url = models.TextField(_("URL"), help_text=_("With the token masked."))
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    response_body = models.TextField(blank=True)
    elapsed_ms = models.FloatField(_("time (ms)"))
    created_at = models.DateTimeField(pgettext_lazy("sent at", "sent"), default=timezone.now)

    objects = SentRequestQuerySet.as_manager()

    FORM_FIELDS = (
        "action",
        "transport",
        "my_number",
        "my_country",
        "target_number",
        "target_country",
        "target_id",
        "message",
        "callback",
        "as_typed",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitester_sent_owner_time")]
        verbose_name = _("test page request")
        verbose_name_plural = _("test page requests")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.method} {self.action} {self.outcome}"

    @classmethod
    def record(cls, owner, token, form_data, exchange, redact):
        """Keeps the request in the developer's history, which holds the last KEEP.

        `redact` masks the token in every text kept (URL, reason, body): the history never holds it.
        """
        kept = {name: form_data.get(name) or "" for name in cls.FORM_FIELDS if name != "as_typed"}
        _, document = exchange.document
        reason = redact(str(document.get("reason", ""))) if isinstance(document, dict) else ""
        with transaction.atomic():
            entry = cls.objects.create(
                owner=owner,
                token=token,
                as_typed=bool(form_data.get("as_typed")),
                method=exchange.outgoing.method,
                url=redact(exchange.outgoing.url),
                status=exchange.status,
                outcome=exchange.outcome,
                reason=reason[:200],
                response_body=redact(exchange.body_text)[:MAX_STORED_BODY],
                elapsed_ms=exchange.elapsed_ms,
                **kept,
            )
            older = cls.objects.for_owner(owner).values_list("pk", flat=True)[cls.KEEP :]
            cls.objects.filter(pk__in=list(older)).delete()
        return entry

    @property
    def ended(self):
        """The outcome as a word of apitester.outcomes (its label, its badge)."""
        return Outcome(self.outcome)

    def mode(self):
        """The test page's mode this request was sent in: its token's world ("live" once the token is gone)."""
        return "test" if self.token_id and self.token.is_test else "live"

    def form_data(self):
        """The test page's form as it was filled in for this request (the token by its id)."""
        data = {name: getattr(self, name) for name in self.FORM_FIELDS}
        if not self.as_typed:
            del data["as_typed"]
        if self.token_id:
            data["token"] = self.token_id
        return data
