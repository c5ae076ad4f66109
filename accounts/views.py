from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from accounts import notify
from accounts.access import owned_token, test_mode_requested
from accounts.forms import (
    ApplyForm,
    ApplyRestrictedForm,
    CallbackNumbersForm,
    HostForm,
    RenameForm,
    RestrictionForm,
    RollForm,
)
from accounts.models import ApiToken, TokenApproval, TokenLimitReached, TokenStateError
from accounts.restrictions import Restriction
from accounts.show_once import secret_page, show_once
from lib.client_ip import client_ip

READ = ("GET", "HEAD")
WRITE = ("POST",)


def _actor(request):
    return {"actor": request.user, "ip": client_ip(request)}


def _refused(request, token):
    messages.error(
        request, _("This is not possible while the token is “%(state)s”.") % {"state": token.get_state_display()}
    )
    return redirect("accounts:token_detail", token.pk)


def _lands_on_test(request):
    """A developer with no live token but a test token lands on the test tab: what they can use now."""
    mine = ApiToken.objects.for_owner(request.user)
    return "mode" not in request.GET and not mine.live().exists() and mine.test().active().exists()


@login_required
def token_list(request):
    landed_on_test = _lands_on_test(request)
    test = landed_on_test or test_mode_requested(request)
    if test:
        ApiToken.test_token_for(request.user)  # a verified developer has one at once, without staff
    tokens = list(ApiToken.objects.for_owner(request.user).of_mode(test))
    counted = sum(1 for token in tokens if token.state not in (ApiToken.State.REVOKED, ApiToken.State.REJECTED))
    hide_ended = request.GET.get("active") == "1"
    ended = [token for token in tokens if token.effective_state in (ApiToken.State.REVOKED, ApiToken.State.EXPIRED)]
    if hide_ended:
        tokens = [token for token in tokens if token not in ended]
    context = {
        "tokens": tokens,
        "counted": counted,
        "cap": settings.TEST_TOKENS_PER_DEVELOPER if test else settings.TOKENS_PER_DEVELOPER,
        "hide_ended": hide_ended,
        "ended_count": len(ended),
        "test_mode": test,
        "landed_on_test": landed_on_test,
        "mode_query": "mode=test&" if test else "",
        "verified": has_verified_email(request.user),
    }
    return render(request, "accounts/token_list.html", context)


@login_required
def token_apply(request):
    if not has_verified_email(request.user):
        addresses = EmailAddress.objects.filter(user=request.user)
        return render(request, "accounts/verify_email_first.html", {"addresses": addresses})
    test = test_mode_requested(request)
    # A live token chooses who may call with it (websites unless told); a test token reaches only test phones.
    form_class = ApplyForm if test else ApplyRestrictedForm
    form = form_class(request.POST or None, initial={"host": "localhost"} if test else None)
    if request.method == "POST" and form.is_valid():
        restriction = {} if test else form.restriction_values()
        try:
            token, plaintext = ApiToken.issue(
                request.user,
                form.cleaned_data["name"],
                form.cleaned_data["host"],
                test=test,
                **restriction,
                **_actor(request),
            )
        except TokenLimitReached:
            cap = settings.TEST_TOKENS_PER_DEVELOPER if test else settings.TOKENS_PER_DEVELOPER
            form.add_error(
                None,
                _("You already have %(cap)d tokens, the most one developer may hold. Revoke one you no longer use.")
                % {"cap": cap},
            )
        else:
            if token.state == ApiToken.State.PENDING:
                notify.application_waiting(request, token)
            if note := form.host_note():
                messages.info(request, note)
            return show_once(request, "accounts:token_issued", token.pk, plaintext)
    context = {
        "form": form,
        "manual_approval": settings.TOKEN_APPROVAL == TokenApproval.MANUAL and not test,
        "test_mode": test,
    }
    return render(request, "accounts/token_apply.html", context)


@owned_token(READ)
@never_cache
def token_issued(request, token):
    note = _("The full token is shown only once. To see it again, reveal it and confirm your password.")
    detail = reverse("accounts:token_detail", args=[token.pk])
    context = {"token": token}
    return secret_page(request, "accounts:token_issued", token.pk, "accounts/token_issued.html", context, detail, note)


def _render_detail(request, token, **forms):
    context = {
        "token": token,
        "manual_approval": settings.TOKEN_APPROVAL == TokenApproval.MANUAL and not token.is_test,
        "events": token.events.select_related("actor"),
        "rename_form": forms.get("rename_form") or RenameForm(initial={"name": token.name}),
        "host_form": forms.get("host_form") or HostForm(initial={"host": token.host}),
        "roll_form": forms.get("roll_form") or RollForm(),
        "restriction_form": forms.get("restriction_form") or RestrictionForm(initial=_restriction_initial(token)),
        "numbers_form": forms.get("numbers_form")
        or CallbackNumbersForm(initial={"numbers": "\n".join(token.allowed_callback_numbers)}),
        "support_email": notify.support_email(),
    }
    return render(request, "accounts/token_detail.html", context)


@owned_token(READ)
def token_detail(request, token):
    return _render_detail(request, token)


@owned_token(WRITE)
def token_rename(request, token):
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, token, rename_form=form)
    try:
        token.rename(form.cleaned_data["name"], **_actor(request))
    except TokenStateError:
        return _refused(request, token)
    messages.success(request, _("The token is now called “%(name)s”.") % {"name": token.name})
    return redirect("accounts:token_detail", token.pk)


@owned_token(WRITE)
def token_change_host(request, token):
    form = HostForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, token, host_form=form)
    was_pending = token.state == ApiToken.State.PENDING
    try:
        token.change_host(form.cleaned_data["host"], **_actor(request))
    except TokenStateError:
        return _refused(request, token)
    if note := form.host_note():
        messages.info(request, note)
    if token.state == ApiToken.State.PENDING:
        if not was_pending:  # manual approval: the new host waits for staff
            notify.application_waiting(request, token)
        messages.success(
            request, _("The host is now %(host)s; the token waits for staff approval.") % {"host": token.host}
        )
    else:
        messages.success(request, _("The token now works for %(host)s.") % {"host": token.host})
    return redirect("accounts:token_detail", token.pk)


def _restriction_initial(token):
    chosen = token.restriction if token.restriction in (Restriction.WEBSITES, Restriction.SERVERS) else None
    return {"restriction": chosen or Restriction.WEBSITES, "addresses": "\n".join(token.allowed_addresses)}


@owned_token(WRITE)
def token_restrict(request, token):
    """Sets who may call with the token; a legacy token's page posts websites here in one step."""
    form = RestrictionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, token, restriction_form=form)
    try:
        token.restrict(**form.restriction_values(), **_actor(request))
    except TokenStateError:
        return _refused(request, token)
    if token.restriction == Restriction.SERVERS:
        messages.success(request, _("The token now takes calls from its servers' addresses only."))
    else:
        messages.success(request, _("The token now takes calls from pages of %(host)s only.") % {"host": token.host})
    return redirect("accounts:token_detail", token.pk)


@owned_token(WRITE)
def token_callback_numbers(request, token):
    form = CallbackNumbersForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, token, numbers_form=form)
    try:
        token.set_callback_numbers(form.cleaned_data["numbers"], **_actor(request))
    except TokenStateError:
        return _refused(request, token)
    messages.success(request, _("The token's allowed callback numbers are saved."))
    return redirect("accounts:token_detail", token.pk)


@owned_token(WRITE)
@reauthentication_required
@sensitive_variables("plaintext")
def token_roll(request, token):
    form = RollForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, token, roll_form=form)
    try:
        plaintext = token.roll(form.cleaned_data["grace_seconds"], **_actor(request))
    except TokenStateError:
        return _refused(request, token)
    return show_once(request, "accounts:token_issued", token.pk, plaintext, rolled=True)


@owned_token(READ + WRITE)
def token_revoke(request, token):
    if request.method != "POST":
        return render(request, "accounts/token_revoke.html", {"token": token})
    try:
        token.revoke(**_actor(request))
    except TokenStateError:
        return _refused(request, token)
    messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("accounts:token_detail", token.pk)


@owned_token(READ + WRITE)
@never_cache
def token_reveal(request, token):
    """POST reveals (after the password, audited), then redirects here: GET shows the token once, under this page's
    address rather than allauth's re-authentication page, and a reload posts nothing again."""
    if request.method == "POST":
        return _reveal(request, token)
    detail = reverse("accounts:token_detail", args=[token.pk])
    return secret_page(
        request, "accounts:token_reveal", token.pk, "accounts/token_reveal.html", {"token": token}, detail
    )


@reauthentication_required
@sensitive_variables("plaintext")
def _reveal(request, token):
    try:
        plaintext = token.reveal(**_actor(request))
    except TokenStateError:
        return _refused(request, token)
    return show_once(request, "accounts:token_reveal", token.pk, plaintext)
