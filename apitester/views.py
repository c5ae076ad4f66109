import re
from functools import partial

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apitester import following, limits, wire
from apitester import trial as trials
from apitester.forms import TesterForm
from apitester.models import SentRequest
from lib.countries import choices


def _history_entry(request, pk):
    """The signed-in developer's own history entry; 404 for anyone else's (nobody learns what exists)."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(SentRequest.objects.for_owner(request.user), pk=pk)


@never_cache  # an owner's page holds their token in the snippets: no cache may keep it
@require_http_methods(["GET", "POST"])
def tester(request):
    """The form; sending it (without JavaScript, or with it through fetch) shows the exchange below it."""
    if request.method == "POST":
        return _send(request, TesterForm(request.user, data=request.POST))
    initial, mode = {}, request.GET.get("mode")
    if re.fullmatch(r"[0-9]{1,18}", request.GET.get("from", "")):
        entry = _history_entry(request, int(request.GET["from"]))
        initial, mode = entry.form_data(), entry.mode()
    # ?follow=<call request ID>: its timeline as it is now (a reload refreshes it, without sending anything).
    followed = following.followed_or_404(request, request.GET["follow"]) if "follow" in request.GET else None
    if followed is not None and mode is None:
        mode = "test" if followed.target.is_test else "live"
    return _respond(request, TesterForm(request.user, initial=initial, mode=mode), followed=followed)


@never_cache
@require_POST
def resend(request, pk):
    """Sends a request of the history again, with the same token (if it is still active and theirs)."""
    entry = _history_entry(request, pk)
    return _send(request, TesterForm(request.user, data={**entry.form_data(), "mode": entry.mode()}))


@never_cache
@require_POST
def check_status(request, call_request_id):
    """Sends the real status call of a followed call request, with the token of the page's form."""
    followed = following.followed_or_404(request, call_request_id)
    form = TesterForm(request.user, data=request.POST)
    return _send(request, form, partial(trials.check_status, call_request=followed), followed)


@never_cache
@require_safe
def call_request_state(request, call_request_id):
    """A followed call request's state and timeline, for the page's script; 404 for anyone else's."""
    follow = following.follow(request, following.followed_or_404(request, call_request_id))
    timeline = render_to_string("apitester/_timeline.html", {"follow": follow}, request)
    return JsonResponse(following.as_json(follow["call_request"], timeline))


@require_http_methods(["GET", "POST"])
def clear_history(request):
    """Asks first (a page of its own, so it works without JavaScript); deletes only on the confirmed POST."""
    if not request.user.is_authenticated:
        return redirect("apitester:tester")
    entries = SentRequest.objects.for_owner(request.user)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        deleted, _ = entries.delete()
        messages.success(
            request,
            ngettext(
                "Your history is cleared: %(count)s request deleted.",
                "Your history is cleared: %(count)s requests deleted.",
                deleted,
            )
            % {"count": deleted},
        )
        return redirect("apitester:tester")
    return render(request, "apitester/clear_history.html", {"count": entries.count()})


def _send(request, form, send=trials.run, followed=None):
    trial = None
    if form.is_valid():
        try:
            with limits.send_slot(request):
                trial = send(request, form)
        except limits.Refused as refusal:
            form.add_error(None, str(refusal))
    return _respond(request, form, trial, followed)


def _respond(request, form, trial=None, followed=None):
    context = {
        "form": form,
        "trial": trial,
        "follow": following.follow(request, getattr(trial, "followed", None) or followed),
        "history": SentRequest.objects.for_owner(request.user).select_related("token")[: SentRequest.KEEP],
        "countries": choices(get_language()),
        "max_body": wire.MAX_BODY_BYTES,
    }
    if "application/json" not in request.headers.get("Accept", ""):
        return render(request, "apitester/tester.html", context)
    # The page's script: swap the form, the result and the history in place, without a reload.
    parts = {
        name: render_to_string(f"apitester/_{name}.html", context, request) for name in ("form", "result", "history")
    }
    return JsonResponse({"valid": form.is_bound and form.is_valid(), **parts})
