"""The one field our sign-up adds to allauth's (ACCOUNT_SIGNUP_FORM_CLASS): the developer's country, the first
country their live tokens reach (accounts.models.Reach)."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Reach
from lib import countries

DEFAULT_COUNTRY = "kr"  # choices are lower case, as the API's examples write them


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=self.country_choices, **kwargs)

    @staticmethod
    def country_choices():
        return countries.choices(get_language())


class SignupForm(forms.Form):
    country = CountryField(
        label=_("Your country"),
        initial=DEFAULT_COUNTRY,
        required=False,
        help_text=_("Your live tokens reach people of this country; staff enable others on request."),
    )

    def signup(self, request, user):
        country = (self.cleaned_data.get("country") or DEFAULT_COUNTRY).upper()
        Reach.objects.create(owner=user, countries=[country])
