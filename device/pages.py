"""The virtual phone at /phone/: the device API's reference client, for people.

With JavaScript, device/static/device/phone.js does everything through the device API. Without it these views
render the same list from the same functions the API's views call (device.inbox, device.payloads) and take the
phone's actions as forms. Either way the device key lives in the browser: an HttpOnly cookie for the server,
localStorage for the script; never in a URL.
"""

from datetime import datetime
from pathlib import Path

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from api.models import CallRequest, InvalidTransition, Subscriber
from device import inbox, payloads, reasons
from device.models import DeliveryStep, DeviceKey
from device.push import webpush
from lib import countries

COOKIE = "phone_key"
COOKIE_AGE_SECONDS = 30 * 24 * 60 * 60
STAFF_KEY_NAME = "Staff virtual phone · {email}"
TEST_PHONE_BROWSERS = 3  # a test phone stays open in the last this many browsers that opened it (device.testmode)

# Plain words for what the device API answers, shared by these pages and (as JSON in the page) the script.
ERRORS = {
    reasons.MISSING_KEY.text: _("Paste a device key first."),
    reasons.UNKNOWN_KEY.text: _("No device key has this value. Check that you pasted all of it: it starts with cbnd_."),
    reasons.REVOKED_KEY.text: _("This device key was revoked. Ask CallbackNow staff for a new one."),
    reasons.INACTIVE_SUBSCRIBER.text: _(
        "This subscriber was deactivated: the phone receives no call requests. Ask CallbackNow staff."
    ),
    reasons.KEY_BUSY.text: _("This device key is listening in two places already (other tabs or apps): close one."),
    reasons.SERVER_BUSY.text: _("The server is busy for a moment."),
    reasons.UNKNOWN_CALL_REQUEST.text: _("This call request is not on this phone any more."),
    reasons.SERVICE_UNAVAILABLE.text: _("The service is unavailable for a moment."),
    reasons.BAD_QUIET_HOURS.text: _(
        "Enter a start, an end and a time zone such as Asia/Seoul or Europe/London (the IANA name)."
    ),
    reasons.UNKNOWN_BLOCK.text: _("This block was undone already."),
}
# A test phone's key stops working when the phone is opened in more browsers, or deleted: its developer opens it
# again from Test mode, with no staff involved.
TEST_PHONE_ERRORS = {
    reasons.REVOKED_KEY.text: _(
        "This test phone was closed here: it was opened in other browsers since, and stays open in at most "
        "%(browsers)d at once."
    ),
    reasons.UNKNOWN_KEY.text: _("This test phone was deleted."),
}
TEST_PHONE_AGAIN = {
    reasons.REVOKED_KEY.text: _("Open it again from Test mode."),
    reasons.UNKNOWN_KEY.text: _("Create another in Test mode."),
}
OUTCOMES = {
    CallRequest.State.ANSWERED: _("You called back."),
    CallRequest.State.DECLINED: _("You will not call back."),
    CallRequest.State.CANCELLED: _("Cancelled by the caller."),
    CallRequest.State.EXPIRED: _("Expired before an answer."),
}


def script_strings():
    """The words phone.js shows, in the reader's language (the page carries them as JSON)."""
    return {
        "states": {state.value: str(state.label) for state in CallRequest.State},
        "outcomes": {str(state): str(text) for state, text in OUTCOMES.items()},
        "errors": {reason: str(text) for reason, text in ERRORS.items()},
        "test_phone_errors": {reason: test_phone_refusal(reason) for reason in TEST_PHONE_ERRORS},
        "test_phone_again": {reason: str(text) for reason, text in TEST_PHONE_AGAIN.items()},
        "test_mode_url": reverse("testmode:overview"),
        "failed": str(_("Something went wrong (HTTP %(status)s).")),
        "network": str(_("The server cannot be reached.")),
        "retrying": str(_("Trying again in %(seconds)s s.")),
        "trying": str(_("Trying again now.")),
        "checking": str(_("Checking the device key…")),
        "connection": {
            "connected": str(_("Connected")),
            "reconnecting": str(_("Reconnecting…")),
        },
        "stream": str(_("New call requests appear here as they arrive, through the event stream.")),
        "poll": str(_("New call requests appear here as they arrive, through long polling.")),
        "dropped": str(_("The connection dropped; the phone picks it up again by itself.")),
        "unopened": str(_("The event stream did not open.")),
        "controls": {
            "number": str(_("Blocked %(number)s: its requests are refused from now on.")),
            "developer": str(_("Blocked %(developer)s: its requests are refused from now on.")),
            "spam": str(_("Reported as spam: its developer is blocked.")),
            "undone": str(_("Unblocked %(what)s.")),
            "undo": str(_("Undo")),
            "number_kind": str(_("Number")),
            "developer_kind": str(_("Developer")),
            "quiet_saved": str(_("Quiet hours: %(start)s to %(end)s (%(time_zone)s).")),
            "quiet_none": str(_("No quiet hours.")),
        },
        "push": {
            "on": str(_("Notifications on: a request arriving while this tab is hidden shows one.")),
            "denied": str(_("Notifications are blocked for this site: allow them in the browser's settings.")),
            "unreachable": str(_("This browser cannot reach a push service: no notifications.")),
        },
    }


def test_phone_refusal(reason):
    return str(TEST_PHONE_ERRORS[reason]) % {"browsers": TEST_PHONE_BROWSERS}


class KeyForm(forms.Form):
    key = forms.CharField(
        label=_("Device key"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false", "placeholder": "cbnd_…"}
        ),
    )

    @sensitive_variables("plaintext")
    def clean_key(self):
        plaintext = self.cleaned_data["key"]
        key, refusal = active_key(plaintext)
        if key is None:
            raise forms.ValidationError(ERRORS[refusal.text])
        return plaintext


@sensitive_variables("plaintext")
def active_key(plaintext):
    """(the active key with this text, None), or (None, the device API's reason for refusing it)."""
    if not plaintext:
        return None, reasons.MISSING_KEY
    key = DeviceKey.objects.lookup(plaintext)
    if key is None:
        return None, reasons.UNKNOWN_KEY
    if not key.is_active:
        return None, reasons.REVOKED_KEY
    if not key.subscriber.active:
        return None, reasons.INACTIVE_SUBSCRIBER
    return key, None


@sensitive_variables("plaintext")
def keep_key(response, plaintext):
    """The server's copy of the key: only /phone/ sends it back, no script reads it, no other site's link sends it."""
    response.set_cookie(
        COOKIE,
        plaintext,
        max_age=COOKIE_AGE_SECONDS,
        path=reverse("phone:phone"),
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Strict",
    )
    return response


def forget_key(response):
    response.delete_cookie(COOKIE, path=reverse("phone:phone"), samesite="Strict")
    return response


def national_format(e164):
    """The number as people of its country write it ("010-1004-1004")."""
    return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)


def country_name(code):
    country = countries.by_code(code)
    return country.name(get_language()) if country else code


def card(call_request):
    """What the page shows of a call request: the device API's JSON for it, plus its words in the reader's language."""
    payload = payloads.call_request(call_request)
    requester = payload["requester"]
    return {
        **payload,
        "number": requester["number"],
        "national_format": national_format(requester["number"]),
        "country_name": country_name(requester["country"]),
        "created_at": datetime.fromisoformat(payload["created_at"]),
        "state_label": CallRequest.State(payload["state"]).label,
        "outcome": OUTCOMES.get(payload["state"], ""),
    }


@never_cache  # the page may carry the device key for the script
@require_http_methods(["GET", "POST"])
def phone(request):
    """The phone; posting a key connects this browser to that key's subscriber."""
    if request.method == "POST":
        form = KeyForm(request.POST)
        if form.is_valid():
            return keep_key(redirect("phone:phone"), form.cleaned_data["key"])
        return show(request, None, form)
    plaintext = request.COOKIES.get(COOKIE, "")
    key, refusal = active_key(plaintext)
    if key is None and plaintext:
        messages.error(request, refusal_words(plaintext, refusal))
        return forget_key(redirect("phone:phone"))
    return show(request, key, KeyForm(), plaintext if key else "")


@sensitive_variables("plaintext")
def refusal_words(plaintext, refusal):
    """Why the key kept in this browser no longer works; for a test phone, with the way back to it."""
    if refusal != reasons.REVOKED_KEY or not DeviceKey.objects.lookup(plaintext).subscriber.is_test:
        return ERRORS[refusal.text]
    words, again = test_phone_refusal(refusal.text), TEST_PHONE_AGAIN[refusal.text]
    return format_html('{} <a href="{}">{}</a>', words, reverse("testmode:overview"), again)


@sensitive_variables("plaintext")
def show(request, key, form, plaintext=""):
    context = {
        "key_form": form,
        "key_plaintext": plaintext,
        "api_root": reverse("device:me").removesuffix("me"),
        "strings": script_strings(),
        "vapid_public_key": webpush.public_key(),
        "countries": {country.code: country.name(get_language()) for country in countries.countries()},
    }
    if key is not None:
        key.record_use()
        subscriber = key.subscriber
        inbox.deliver(subscriber, key, DeliveryStep.Path.PAGE)  # as the API's list does: the phone now has them
        closed = inbox.own(subscriber, request.GET.get("closed", ""))
        context.update(
            subscriber={
                **payloads.subscriber(subscriber),
                "national_format": national_format(subscriber.number),
                "country_name": country_name(subscriber.country),
            },
            cards=[card(found) for found in inbox.open_requests(subscriber)],
            closed=card(closed) if closed is not None and not closed.is_open else None,
        )
    return render(request, "device/phone.html", context)


def service_worker(request):
    """/sw.js: the virtual phone's service worker, served from the site's root so that its scope is the whole site
    (a push's notification opens /phone/)."""
    script = (Path(__file__).parent / "static" / "device" / "sw.js").read_text()
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def forget(request):
    messages.success(request, _("This browser no longer keeps the device key."))
    return forget_key(redirect("phone:phone"))


@require_POST
def seen(request, call_request_id):
    return change(request, call_request_id, CallRequest.mark_seen)


@require_POST
def answer(request, call_request_id):
    return change(request, call_request_id, CallRequest.answer)


@require_POST
def decline(request, call_request_id):
    return change(request, call_request_id, CallRequest.decline)


@sensitive_variables("plaintext")
def change(request, call_request_id, step):
    """One of the phone's actions on its subscriber's own request, as the device API takes it."""
    plaintext = request.COOKIES.get(COOKIE, "")
    key, refusal = active_key(plaintext)
    if key is None:
        messages.error(request, refusal_words(plaintext, refusal))
        return forget_key(redirect("phone:phone"))
    key.record_use()
    found = inbox.own(key.subscriber, call_request_id)
    if found is None:
        messages.error(request, ERRORS[reasons.UNKNOWN_CALL_REQUEST.text])
        return redirect("phone:phone")
    try:
        step(found)
    except InvalidTransition:
        pass  # it moved on meanwhile (cancelled, expired): the page says so with its outcome
    if found.is_open:
        return redirect(reverse("phone:phone") + f"#{found.public_id}")
    return redirect(reverse("phone:phone") + f"?closed={found.public_id}")


def may_open_any_phone(user):
    """Whether the user may open any subscriber's virtual phone without its device key (staff who manage subscribers)."""
    return user.is_active and user.is_staff and user.has_perm("api.change_subscriber")


@never_cache
@require_http_methods(["GET", "POST"])
def staff_phone(request, subscriber_id):
    """Staff open a subscriber's phone: a fresh device key of their own, kept in this browser's cookie."""
    user = request.user
    if not may_open_any_phone(user):
        raise Http404
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    if request.method == "POST":
        name = STAFF_KEY_NAME.format(email=user.email)[: DeviceKey._meta.get_field("name").max_length]
        _key, plaintext = DeviceKey.issue(subscriber, name, created_by=user)
        return keep_key(redirect("phone:phone"), plaintext)
    return render(
        request,
        "device/staff_phone.html",
        {
            "subscriber": subscriber,
            "national_format": national_format(subscriber.number),
            "key_name": STAFF_KEY_NAME.format(email=user.email),
        },
    )
