import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ApiToken
from accounts.restrictions import Restriction
from api import testmode
from api.models import normalise_public_id
from api.protocol import (
    ACTIONS,
    BY_ID,
    CALLBACK,
    CANCEL,
    EXAMPLE_JSONP_CALLBACK,
    EXAMPLE_VALUES,
    GET,
    JSONP,
    NEOCALLBACK,
    NEOCANCEL,
    POST,
    REQUESTS,
)
from api.wire import is_valid_callback_name
from apitester import wire
from apitester.models import SentRequest
from lib import phones
from lib.countries import by_code, countries, fold
from lib.hosts import InvalidHost, normalise_host
from lib.text import has_control_characters

ACTION_CHOICES = [
    (CALLBACK, _("callback: ask the target to call you back")),
    (NEOCALLBACK, _("neocallback: ask by the target's CallbackNow ID")),
    (CANCEL, _("cancel: withdraw a request to a number")),
    (NEOCANCEL, _("neocancel: withdraw a request to an ID")),
]
# Which actions and transports show a field (the page hides the others with JavaScript).
BY_NUMBER = tuple(action for action in ACTIONS if action not in BY_ID)
FIELD_ACTIONS = {
    "target_number": BY_NUMBER,
    "target_country": BY_NUMBER,
    "target_id": tuple(action for action in ACTIONS if action in BY_ID),
    "message": tuple(action for action in ACTIONS if action in REQUESTS),
}
FIELD_TRANSPORTS = {"callback": (JSONP,), "host": (POST,)}
MAX_AES_KEY_BYTES = 32
TEST, LIVE = "test", "live"


class TokenChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.host} · {obj.masked}"


class TesterForm(forms.Form):
    """One API call to try. A signed-in developer picks an active token of theirs; a visitor pastes one."""

    token = TokenChoiceField(
        label=_("Token"),
        queryset=ApiToken.objects.none(),
        empty_label=None,
        help_text=_(
            "A token restricted to websites is sent as a page on its host sends it, with Referer: "
            "http://<host>/; one restricted to servers is accepted only from their addresses, not from this page."
        ),
    )
    pasted_token = forms.CharField(
        label=_("Token"),
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Paste your developer token. It is used for this request only and never stored."),
    )
    host = forms.CharField(
        label=_("Your token's host"),
        max_length=255,
        required=False,
        help_text=_("Encrypted POST only: the host the token is bound to; it is sent as the Referer."),
    )
    action = forms.ChoiceField(
        label=pgettext_lazy("api action", "Action"),
        choices=ACTION_CHOICES,
        initial=CALLBACK,
        widget=forms.RadioSelect,
    )
    transport = forms.ChoiceField(
        label=_("Transport"), choices=SentRequest.Transport.choices, initial=GET, widget=forms.RadioSelect
    )
    my_number = forms.CharField(
        label=_("My number"),
        max_length=64,
        required=False,
        initial=EXAMPLE_VALUES["my_number"],
        help_text=_("The number that receives the call back."),
    )
    my_country = forms.CharField(
        label=_("My country"),
        max_length=64,
        required=False,
        initial=EXAMPLE_VALUES["my_iso"],
        help_text=_("Type a name, ISO code or dialling code, or pick from the list; the ISO code is sent."),
    )
    target_number = forms.CharField(
        label=_("Target number"),
        max_length=64,
        required=False,
        initial=EXAMPLE_VALUES["target_number"],
        help_text=_("callback and cancel: the CallbackNow user's number."),
    )
    target_country = forms.CharField(
        label=_("Target country"),
        max_length=64,
        required=False,
        initial=EXAMPLE_VALUES["target_iso"],
        help_text=_("callback and cancel: the target number's country."),
    )
    target_id = forms.CharField(
        label=_("Target ID"),
        max_length=128,
        required=False,
        initial=EXAMPLE_VALUES["target_id"],
        help_text=_("neocallback and neocancel: the CallbackNow user's ID."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        required=False,
        strip=False,
        initial=EXAMPLE_VALUES["message"],
        help_text=_("callback and neocallback: shown on the target's call request screen."),
    )
    callback = forms.CharField(
        label=_("JSONP callback name"),
        max_length=128,
        required=False,
        initial=EXAMPLE_JSONP_CALLBACK,
        help_text=_("GET with JSONP only: the function the answer calls, such as cb or app.on_done."),
    )
    as_typed = forms.BooleanField(
        label=_("Send as typed, without checking, to see how the API answers a mistake"),
        required=False,
    )
    # A signed-in developer's world: test (the default) offers their test tokens, live their live ones.
    mode = forms.ChoiceField(choices=[(TEST, TEST), (LIVE, LIVE)], required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, mode=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.is_bound:
            mode = self.data.get("mode")
        self.test_mode = mode != LIVE
        if user.is_authenticated:
            self._offer_tokens(mode)
        else:
            del self.fields["token"], self.fields["mode"]
        self.fields["message"].help_text = _(
            "callback and neocallback: shown on the target's call request screen (at most %(max)s characters)."
        ) % {"max": settings.API_MESSAGE_MAX_LENGTH}
        for name, field in self.fields.items():
            field.actions = FIELD_ACTIONS.get(name, ())
            field.transports = FIELD_TRANSPORTS.get(name, ())
        for name in ("my_country", "target_country"):
            self.fields[name].widget.attrs.update({"list": "countries", "autocomplete": "off", "spellcheck": "false"})
        for name in ("my_number", "target_number"):
            self.fields[name].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def _offer_tokens(self, mode):
        """A developer picks one of their active tokens of the page's world instead of pasting one."""
        if self.test_mode:
            ApiToken.test_token_for(self.user)  # a verified developer has one at once
        tokens = ApiToken.objects.for_owner(self.user).active()
        # A sent form without its mode (a script's POST, an older page) may name a token of either world.
        if not self.is_bound or mode in (TEST, LIVE):
            tokens = tokens.of_mode(self.test_mode)
        self.fields["token"].queryset = tokens
        del self.fields["pasted_token"], self.fields["host"]
        self.fields["mode"].initial = TEST if self.test_mode else LIVE
        if self.test_mode and not self.is_bound and "target_number" not in self.initial:
            # The magic number that answers: a first send shows a whole life, from pending to answered.
            answered = testmode.OUTCOMES[0]
            self.initial.update(
                target_number=answered.national_number,
                target_country=testmode.TEST_COUNTRY.lower(),
                target_id=answered.public_id,
            )

    @property
    def signed_in(self):
        return self.user.is_authenticated

    def clean(self):
        data = super().clean()
        action, transport = data.get("action"), data.get("transport")
        if not action or not transport:
            return data
        # "As typed" lets anything through: the API's own answer to a mistake is worth seeing.
        if not data.get("as_typed"):
            self._require(data, self._fields_sent(action, transport))
        if transport == POST:
            self._check_encrypted_post(data)
        if not data.get("as_typed"):
            _countries_as_codes(data)
            self._check_like_the_api(data, action, transport)
        return data

    def _fields_sent(self, action, transport):
        """The fields this action over this transport sends (the API answers `missing parameter` without one)."""
        target = ["target_id"] if action in BY_ID else ["target_number", "target_country"]
        by_transport = {JSONP: ["callback"], POST: [] if self.signed_in else ["host"]}.get(transport, [])
        return ["my_number", "my_country", *target, *by_transport]

    def _require(self, data, names):
        for name in names:
            if name not in self.errors and not (data.get(name) or "").strip():
                self.add_error(name, _("This field is required for this action and transport."))

    def _check_encrypted_post(self, data):
        """The token is the POST's AES key; a visitor's host, sent as the Referer, is checked as the API checks it."""
        if len(self.token_value().encode("utf-8")) > MAX_AES_KEY_BYTES:
            field = "token" if self.signed_in else "pasted_token"
            self.add_error(field, _("An encrypted POST needs a token of at most 32 bytes: it is the AES key."))
        if not self.signed_in and data.get("host"):
            try:
                data["host"] = normalise_host(data["host"])
            except InvalidHost as error:
                self.add_error("host", str(error))

    def _check_like_the_api(self, data, action, transport):
        """The API's own rules, so that a mistake shows beside its field before anything is sent."""
        self._check_phone(data, "my_number", "my_country")
        if action not in BY_ID:
            self._check_phone(data, "target_number", "target_country")
        elif data.get("target_id") and normalise_public_id(data["target_id"]) is None:
            self.add_error(
                "target_id", _("A CallbackNow ID has 1 to 64 letters, digits, dots, hyphens or underscores.")
            )
        if action in REQUESTS:
            self._check_message(data.get("message", ""))
        if transport == JSONP and data.get("callback") and not is_valid_callback_name(data["callback"]):
            self.add_error("callback", _("Use a JavaScript name such as cb or app.on_done (at most 64 characters)."))

    def _check_message(self, message):
        if has_control_characters(message):
            self.add_error("message", _("The message cannot contain control characters such as line breaks."))
        elif len(message) > settings.API_MESSAGE_MAX_LENGTH:
            self.add_error(
                "message",
                _("The message has %(length)s characters; the API takes at most %(max)s.")
                % {"length": len(message), "max": settings.API_MESSAGE_MAX_LENGTH},
            )

    def _check_phone(self, data, number_field, country_field):
        number, country = data.get(number_field), data.get(country_field)
        if not number or not country:
            return
        try:
            phones.normalise(number, country.strip())
        except phones.BadCountryCode:
            self.add_error(country_field, _("Choose a country from the list (an ISO code such as kr or us)."))
        except phones.InvalidNumber:
            self.add_error(number_field, _("This is not a valid phone number of the chosen country."))

    # ---- what the page sends -------------------------------------------------------------

    def token_value(self):
        """The token's text, for the request only (the owner's is decrypted server-side)."""
        if self.signed_in:
            token = self.cleaned_data.get("token")
            return token.secret if token else ""
        return self.cleaned_data.get("pasted_token", "")

    def api_token(self):
        """The token the request is made with, when the page knows it (a signed-in developer's choice)."""
        return self.cleaned_data.get("token") if self.signed_in else None

    def page_host(self):
        """The host whose page the GET or JSONP comes from: a signed-in developer's own token restricted to websites
        is sent as a page on its host sends it, with that Referer (without one the API refuses it: "referer or
        origin required"). A pasted token, or one restricted to servers or to nothing, is sent without."""
        token = self.api_token()
        return token.host if token is not None and token.restriction == Restriction.WEBSITES else ""

    def referer_host(self):
        token = self.api_token()
        return token.host if token else self.cleaned_data.get("host", "")

    def call(self):
        data = self.cleaned_data
        by_id = data["action"] in BY_ID
        return wire.Call(
            action=data["action"],
            transport=data["transport"],
            my_number=data["my_number"],
            my_iso=_iso(data["my_country"]),
            target=data["target_id"] if by_id else data["target_number"],
            target_iso="" if by_id else _iso(data["target_country"]),
            message=data["message"] if data["action"] in REQUESTS else "",
            callback=data["callback"] if data["transport"] == JSONP else "",
        )


def country_code(text):
    """The ISO code for what was typed in a country field: a code, an English or Korean name, an alias, a
    datalist label ("South Korea (+82)") or a dialling code that only one country uses; otherwise the text as typed.
    """
    typed = (text or "").strip()
    if by_code(typed):
        return typed
    label = re.fullmatch(r"(.*?)\s*\(\+?\d+\)", typed)
    wanted = fold(label.group(1) if label else typed)
    for country in countries():
        if wanted in (fold(country.name_en), fold(country.name_ko)):
            return country.iso
    for country in countries():  # everyday names ("한국", "Korea", "UK") after the listed ones
        if wanted in (fold(alias) for alias in country.aliases):
            return country.iso
    dialled = re.fullmatch(r"(?:\+|00)?\s*(\d{1,4})", typed)
    if dialled:
        matches = [country for country in countries() if country.dialling_code == int(dialled.group(1))]
        if len(matches) == 1:
            return matches[0].iso
    return typed


def _countries_as_codes(data):
    """Each country field as the ISO code of what was typed in it (a name, an alias, a dialling code…)."""
    for name in ("my_country", "target_country"):
        if data.get(name):
            data[name] = country_code(data[name])


def _iso(country):
    """The country as the API's examples write it: an ISO code in lower case (anything else as typed)."""
    country = (country or "").strip()
    return country.lower() if len(country) == 2 else country
