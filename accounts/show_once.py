"""A secret shown once (a token, a webhook signing secret): handed from the POST that made or revealed it to the
next render of one page only, encrypted while it waits in the session. The redirect also puts that page in the
address bar when allauth resumed the POST on its re-authentication page."""

from django.shortcuts import redirect
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
def take_shown_once(request, page, key):
    """(the secret show_once left for this page of this object, whether it was rolled), used up; or None."""
    pending = request.session.pop(_session_key(page), None)
    if not pending or pending.get("key") != key or pending["page"] != page:
        return None
    return token_crypto.ShownSecret(token_crypto.decrypt_secret(pending["secret"])), pending["rolled"]
