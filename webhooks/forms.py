from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from webhooks import sender
from webhooks.examples import MEANINGS
from webhooks.models import CALL_REQUEST_EVENTS, EventType, WebhookDelivery, WebhookEndpoint

# What each of the sender's refusals means for the developer typing the URL.
REFUSALS = {
    "invalid": _("Enter a valid URL."),
    "scheme": _("Enter an https:// URL with a host name."),
    "credentials": _("Leave the user name and password out of the URL."),
    "https_required": _("Use https://: webhooks are sent over HTTPS only."),
    "unresolved": _("The host %(host)s does not resolve to an address. Check its spelling and DNS, then try again."),
    "private": _(
        "The host %(host)s is on a private, loopback or reserved network: webhooks go to public addresses only."
    ),
}


MAX_URL_LENGTH = 2000


class EndpointsLimitReached(Exception):
    pass


class WebhookURLField(forms.URLField):
    """An endpoint's URL: its length judged before anything else (a long URL is too long, whatever else it is), and
    no #fragment, which never reaches a server."""

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_URL_LENGTH, assume_scheme="https", **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the browser would cut a pasted URL silently; the form says why instead
        return attrs

    def to_python(self, value):
        length = len((value or "").strip())
        if length > MAX_URL_LENGTH:
            raise ValidationError(
                _("This URL has %(length)d characters: a webhook URL may have at most %(max)d."),
                code="too_long",
                params={"length": length, "max": MAX_URL_LENGTH},
            )
        url = super().to_python(value)
        if "#" in url:
            raise ValidationError(
                _("Leave out the #fragment: it never reaches your server. Enter the URL up to the “#”."),
                code="fragment",
            )
        return url


class EndpointForm(forms.Form):
    url = WebhookURLField(
        label=_("URL"),
        help_text=_("Where CallbackNow POSTs the events, such as https://example.com/webhooks/callbacknow."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(event, format_lazy("{} — {}", event, MEANINGS[EventType(event)])) for event in CALL_REQUEST_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def __init__(self, *args, token, endpoint=None, **kwargs):
        self.token, self.endpoint = token, endpoint
        super().__init__(*args, **kwargs)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if self.endpoint is not None and url == self.endpoint.url:
            return url  # unchanged: an endpoint whose host stopped resolving can still be edited or disabled
        parts = None
        try:
            parts = sender.check_url(url)
            sender.resolve(parts, settings.WEBHOOK_ALLOW_PRIVATE_URLS)  # what a delivery checks, now: no surprise later
        except sender.RefusedURL as refusal:
            host = parts.hostname if parts else ""
            raise ValidationError(REFUSALS[refusal.code], code=refusal.code, params={"host": host}) from refusal
        others = WebhookEndpoint.objects.for_token(self.token).filter(url=url)
        if self.endpoint is not None:
            others = others.exclude(pk=self.endpoint.pk)
        if others.exists():
            raise ValidationError(_("This token already has an endpoint with this URL."), code="duplicate")
        return url

    def add(self):
        """The new endpoint and its secret (shown once); EndpointsLimitReached at the token's limit."""
        with transaction.atomic():
            ApiToken.objects.select_for_update().get(pk=self.token.pk)  # one add at a time: the limit holds
            if WebhookEndpoint.objects.for_token(self.token).count() >= settings.WEBHOOK_ENDPOINTS_PER_TOKEN:
                raise EndpointsLimitReached
            return WebhookEndpoint.add(self.token, self.cleaned_data["url"], self.cleaned_data["events"])


class EditEndpointForm(EndpointForm):
    enabled = forms.BooleanField(
        label=_("Enabled"), required=False, help_text=_("A disabled endpoint receives nothing; its log stays.")
    )


class RollSecretForm(forms.Form):
    OVERLAPS = [
        (0, _("None: the old secret stops signing now")),
        (3600, _("1 hour")),
        (86400, _("24 hours")),
    ]
    overlap_seconds = forms.TypedChoiceField(
        label=_("Keep signing with the old secret too for"),
        choices=OVERLAPS,
        coerce=int,
        initial=3600,
        widget=forms.RadioSelect,
        help_text=_("While both sign, every event carries two signatures: your receiver accepts either secret."),
    )


class ResendFailedForm(forms.Form):
    since = forms.DateTimeField(
        label=_("Events since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=_("In this page's time zone. Every failed event from this time on is sent again."),
    )

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since > timezone.now():
            raise ValidationError(_("Choose a time in the past."), code="future")
        return since


class DeliveryFilterForm(forms.Form):
    """The delivery log's filters, as GET parameters: an event type and a result."""

    RESULTS = {
        "delivered": [WebhookDelivery.State.DELIVERED],
        "failed": [WebhookDelivery.State.FAILED],
        "pending": [WebhookDelivery.State.PENDING, WebhookDelivery.State.DELIVERING, WebhookDelivery.State.RETRYING],
    }

    event = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *[(e, e) for e in EventType.values]]
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[
            ("", _("Any result")),
            ("delivered", _("Delivered")),
            ("failed", _("Failed")),
            ("pending", _("Not delivered yet")),
        ],
    )

    def filter(self, deliveries):
        """The deliveries that match the valid filters (an unknown value filters nothing)."""
        if not self.is_valid():
            return deliveries
        if event := self.cleaned_data["event"]:
            deliveries = deliveries.filter(event__type=event)
        if result := self.cleaned_data["result"]:
            deliveries = deliveries.filter(state__in=self.RESULTS[result])
        return deliveries

    @property
    def active(self):
        return self.is_valid() and any(self.cleaned_data.values())
