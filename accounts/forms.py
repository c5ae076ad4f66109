from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from accounts.restrictions import MAX_ADDRESSES, MAX_CALLBACK_NUMBERS, Restriction
from lib.client_ip import normalise_network
from lib.hosts import InvalidHost, host_of_address, normalise_host
from lib.phones import callback_number_pattern
from lib.text import has_control_characters


class HostField(forms.CharField):
    """A token's host, cleaned to its canonical form by lib.hosts.normalise_host; a pasted web address gives its host."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Website host"))
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault(
            "help_text",
            _(
                "The host name of the website that will call the API, such as example.com. "
                "Start with *. to allow its subdomains too; localhost and IP addresses work for development."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return normalise_host(host_of_address(value))
        except InvalidHost as exc:
            raise ValidationError(str(exc), code="invalid_host") from exc


def _no_control_characters(value):
    if has_control_characters(value):
        raise ValidationError(_("Use letters, digits, spaces and punctuation only (no line breaks or tabs)."))


def _name_field():
    return forms.CharField(
        label=_("App name"),
        max_length=100,
        help_text=_("For you and for us, to tell your tokens apart."),
        validators=[_no_control_characters],
    )


class HostNoteMixin:
    """Forms with a HostField named "host": what to tell a developer whose pasted web address was cut to its host."""

    def host_note(self):
        typed = (self.data.get(self.add_prefix("host")) or "").strip()
        if host_of_address(typed) == typed:
            return ""
        return _("You entered a web address: the token is bound to its host, %(host)s.") % {
            "host": self.cleaned_data["host"]
        }


class ApplyForm(HostNoteMixin, forms.Form):
    name = _name_field()
    host = HostField()


class RenameForm(forms.Form):
    name = _name_field()


class HostForm(HostNoteMixin, forms.Form):
    host = HostField()


class RollForm(forms.Form):
    grace_seconds = forms.TypedChoiceField(
        label=_("Keep the old token working for"),
        choices=ApiToken.GRACE_CHOICES,
        coerce=int,
        initial=86400,
        widget=forms.RadioSelect,
    )
    # Rolling cannot be undone: the developer says so before it acts (a required box works without JavaScript).
    confirm = forms.BooleanField(
        label=_("I understand that my website must switch to the new token before the old one stops working."),
        error_messages={"required": _("Tick the box to confirm: rolling cannot be undone.")},
    )


class ReasonForm(forms.Form):
    """The reason staff give when they reject or suspend tokens; the developer sees it."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Shown to the developer."),
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def _lines(value):
    """The entries of a box that takes one per line (commas also separate them)."""
    return [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]


class RestrictionForm(forms.Form):
    """A token's application restriction (accounts.restrictions): websites, or servers with their addresses."""

    restriction = forms.ChoiceField(
        label=_("Who may call with this token"),
        choices=[
            (Restriction.WEBSITES, _("Websites: pages of its host (Origin or Referer must name it)")),
            (Restriction.SERVERS, _("Servers: calls from the IP addresses below only")),
        ],
        initial=Restriction.WEBSITES,
        required=False,  # none chosen: websites, the default
        widget=forms.RadioSelect,
    )
    addresses = forms.CharField(
        label=_("Server addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("IPv4 or IPv6 addresses or CIDR ranges, one a line, such as 203.0.113.7 or 2001:db8::/48."),
    )

    def clean_restriction(self):
        return self.cleaned_data["restriction"] or Restriction.WEBSITES

    def clean_addresses(self):
        networks = []
        for entry in _lines(self.cleaned_data["addresses"]):
            try:
                networks.append(normalise_network(entry))
            except ValueError:
                raise ValidationError(
                    _("“%(entry)s” is not an IP address or CIDR range."), code="invalid", params={"entry": entry}
                ) from None
        if len(networks) > MAX_ADDRESSES:
            raise ValidationError(_("At most %(count)d addresses."), params={"count": MAX_ADDRESSES})
        return list(dict.fromkeys(networks))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("restriction") == Restriction.SERVERS and not cleaned.get("addresses") and not self.errors:
            self.add_error("addresses", _("Enter at least one address of the servers that will call."))
        return cleaned

    def restriction_values(self):
        return {"restriction": self.cleaned_data["restriction"], "addresses": self.cleaned_data["addresses"]}


class ApplyRestrictedForm(RestrictionForm, ApplyForm):
    """A live token's application: its name, host and restriction."""

    field_order = ["name", "host", "restriction", "addresses"]


class CallbackNumbersForm(forms.Form):
    numbers = forms.CharField(
        label=_("Allowed callback numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The numbers your calls may give as “my number”, in international form, one a line: +821012345678, "
            "or a prefix ending in * such as +82215* . Empty: any number that costs nothing to call."
        ),
    )

    def clean_numbers(self):
        numbers = []
        for entry in _lines(self.cleaned_data["numbers"]):
            try:
                numbers.append(callback_number_pattern(entry))
            except ValueError:
                raise ValidationError(
                    _("“%(entry)s” is not a number in international form (+ and the country code) or such a prefix."),
                    code="invalid",
                    params={"entry": entry},
                ) from None
        if len(numbers) > MAX_CALLBACK_NUMBERS:
            raise ValidationError(_("At most %(count)d numbers."), params={"count": MAX_CALLBACK_NUMBERS})
        return list(dict.fromkeys(numbers))
