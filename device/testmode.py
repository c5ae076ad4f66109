"""Test mode's page at /test-mode/: the developer's test tokens, their virtual test phones and the magic numbers.

A test phone is a test subscriber of the developer's own (api.models.Subscriber.create_test_phone), opened on the
virtual phone with one click: the click issues a device key for this browser (as staff open a phone), so nothing
is copied by hand. Each browser gets a key of its own (a key holds at most two event streams), and a test phone
stays open in the last TEST_PHONE_BROWSERS browsers that opened it. Clearing test data deletes what the test
tokens left (api.models.clear_test_data).
"""

from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import ApiToken
from api import testmode
from api.models import CallRequest, Subscriber, TestPhoneLimitReached, clear_test_data
from device.models import DeviceKey
from device.pages import TEST_PHONE_BROWSERS, forget_key, keep_key, national_format

TEST_PHONE_KEY_NAME = "Test phone · {email}"
BROWSER_KEYS = "test_phone_keys"  # in the session: {test phone pk: the device key pk this browser holds for it}
PHONE_IN_COOKIE = "test_phone_in_cookie"  # in the session: the test phone whose key /phone/'s cookie holds


@never_cache  # it shows the test tokens in full
@login_required
def overview(request):
    if not has_verified_email(request.user):
        return render(request, "device/test_mode.html", {"unverified": True})
    ApiToken.test_token_for(request.user)
    tokens = ApiToken.objects.for_owner(request.user).test().active()
    phones = Subscriber.objects.test_phones_of(request.user).order_by("created_at", "id")
    context = {
        "tokens": tokens,
        "phones": [{"subscriber": phone, "national_format": national_format(phone.number)} for phone in phones],
        "phone_cap": settings.TEST_PHONES_PER_DEVELOPER,
        **testmode.table_context(),
        "open_count": CallRequest.objects.sent_by(request.user).filter(target__is_test=True).count(),
    }
    return render(request, "device/test_mode.html", context)


@require_POST
@login_required
def create_phone(request):
    if not has_verified_email(request.user):
        raise Http404
    try:
        phone = Subscriber.create_test_phone(request.user)
    except TestPhoneLimitReached:
        messages.error(
            request,
            _("You already have %(cap)d test phones, the most one developer may hold. Delete one you no longer use.")
            % {"cap": settings.TEST_PHONES_PER_DEVELOPER},
        )
    else:
        messages.success(
            request,
            _("Test phone %(number)s (ID %(id)s) is ready. Send it a callback with your test token, then open it.")
            % {"number": national_format(phone.number), "id": phone.public_id},
        )
    return redirect("testmode:overview")


@require_POST
@login_required
def delete_phone(request, pk):
    phone = get_object_or_404(Subscriber.objects.test_phones_of(request.user), pk=pk)
    phone.delete()  # its call requests and device keys with it
    messages.success(request, _("The test phone %(number)s is deleted.") % {"number": national_format(phone.number)})
    response = redirect("testmode:overview")
    if request.session.get(PHONE_IN_COOKIE) == pk:  # phone.pk is None once deleted
        forget_key(response)  # the phone page then says the phone was deleted, not that its key is unknown
    return response


@require_POST
@login_required
def open_phone(request, pk):
    """One click: a device key of this browser's for the developer's own test phone, then the phone."""
    phone = get_object_or_404(Subscriber.objects.test_phones_of(request.user), pk=pk)
    return keep_key(redirect("phone:phone"), key_for_this_browser(request, phone))


@sensitive_variables("plaintext")
def key_for_this_browser(request, phone):
    """A new key of the phone's for this browser (its session): the key this browser had for it gives way, and so
    does the oldest of other browsers' beyond TEST_PHONE_BROWSERS. Returns the key's text."""
    name = TEST_PHONE_KEY_NAME.format(email=request.user.email)[: DeviceKey._meta.get_field("name").max_length]
    held = request.session.get(BROWSER_KEYS, {})
    keys = DeviceKey.objects.for_subscriber(phone).active().filter(name=name)
    for previous in keys.filter(pk=held.get(str(phone.pk))):
        previous.revoke()
    key, plaintext = DeviceKey.issue(phone, name, created_by=request.user)
    request.session[BROWSER_KEYS] = {**held, str(phone.pk): key.pk}
    request.session[PHONE_IN_COOKIE] = phone.pk
    for oldest in keys[TEST_PHONE_BROWSERS:]:  # newest first
        oldest.revoke()
    return plaintext


@require_http_methods(["GET", "POST"])
@login_required
def clear(request):
    """Asks first (a page of its own, so it works without JavaScript); deletes only on the confirmed POST."""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        cleared = clear_test_data(request.user)
        messages.success(
            request,
            _("Test data cleared: %(call_requests)d call requests and %(log_entries)d request log entries deleted.")
            % cleared,
        )
        return redirect("testmode:overview")
    count = CallRequest.objects.sent_by(request.user).filter(target__is_test=True).count()
    return render(request, "device/test_mode_clear.html", {"count": count})
