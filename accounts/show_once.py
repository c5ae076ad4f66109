"""A secret shown once (a token, a webhook signing secret): handed from the POST that made or revealed it to the
next render of one page only, encrypted while it waits in the session. The redirect also puts that page in the
address bar when allauth resumed the POST on its re-authentication page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables

from accounts import token_crypto


def _session_key(page):
    return f"{page.partition(':')[0]}:show_once"  # one waiting secret per app ("accounts:show_once")


@sensitive_variables("plaintext")
def show_once(request, page, key, plaintext, rolled=False):
    """Redirects to `page` of the object `key` names (its URL argument), which alone may show the secret once."""
    request.session[_session_key(page)] = {
        "key": key,
        "secret": token_crypto.encrypt_secret(plaintext),
        "rolled": rolled,
        "page": page,
    }
    return redirect(page, key)


@sensitive_variables("pending")
def _take_shown_once(request, page, key):
    """(the secret show_once left for this page of this object, whether it was rolled), used up; or None."""
    pending = request.session.pop(_session_key(page), None)
    if not pending or pending.get("key") != key or pending["page"] != page:
        return None
    return token_crypto.ShownSecret(token_crypto.decrypt_secret(pending["secret"])), pending["rolled"]


@sensitive_variables("shown")
def secret_page(request, page, key, template, context, otherwise, note=None):
    """The GET show_once redirected to: `template` with the secret (`plaintext`, and `rolled`) when show_once just left
    it for this page of this object; else `note` (if any) and a redirect to the URL `otherwise`. HEAD (a link preview,
    a prefetch) answers empty and uses nothing up."""
    if request.method == "HEAD":
        return HttpResponse()
    shown = _take_shown_once(request, page, key)
    if shown is None:
        if note:
            messages.info(request, note)
        return redirect(otherwise)
    return render(request, template, {**context, "plaintext": shown[0], "rolled": shown[1]})
