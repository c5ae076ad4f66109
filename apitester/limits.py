"""How often and how many at once the test page sends: each send holds a server thread while it calls the API back.

In any minute, an anonymous visitor (by client address) and a signed-in developer (by account) have a number of
sends, counted in a sliding window as the API's own rate limits are (api.rate_limits: in the shared cache, so
across processes and machines, and per process while the cache is down), so that sends around a minute's
boundary cannot make twice the number; and one server process has at most
API_TESTER_SENDS_IN_FLIGHT sends waiting on the API at once, so that the page can never hold every thread the
API needs to answer.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api import rate_limits
from lib.client_ip import client_ip


class Refused(Exception):
    """The send is refused: its message is the form's error, in the reader's language."""


@contextmanager
def send_slot(request):
    """Admits one send (counted against its visitor or developer) for the body of the `with`; Refused otherwise."""
    _count_against_the_sender(request)
    with _in_flight_slot():
        yield


def _count_against_the_sender(request):
    if request.user.is_authenticated:
        policy, key, limit = (
            "tester-developer",
            str(request.user.pk),
            settings.API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE,
        )
        refusal = _developer_refusal
    else:
        policy, key, limit = "tester-address", client_ip(request), settings.API_TESTER_SENDS_PER_VISITOR_PER_MINUTE
        refusal = _visitor_refusal
    window = rate_limits.limits().hit(policy, key, limit)
    if not window.allowed:
        raise Refused(refusal(window.retry_after) % {"limit": limit, "seconds": window.retry_after})


def _developer_refusal(seconds):
    return ngettext(
        "Your account has sent %(limit)s test requests this minute, the most it may. Try again in %(seconds)s second.",
        "Your account has sent %(limit)s test requests this minute, the most it may. Try again in %(seconds)s seconds.",
        seconds,
    )


def _visitor_refusal(seconds):
    return ngettext(
        "Your address has sent %(limit)s test requests this minute, the most it may without signing in. "
        "Try again in %(seconds)s second.",
        "Your address has sent %(limit)s test requests this minute, the most it may without signing in. "
        "Try again in %(seconds)s seconds.",
        seconds,
    )


_lock = threading.Lock()
_in_flight = 0


@contextmanager
def _in_flight_slot():
    global _in_flight
    with _lock:
        if _in_flight >= settings.API_TESTER_SENDS_IN_FLIGHT:
            raise Refused(_("The test page is busy sending other requests on this server. Try again in a moment."))
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1
