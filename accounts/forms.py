from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from lib.hosts import InvalidHost, host_of_address, normalise_host
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
