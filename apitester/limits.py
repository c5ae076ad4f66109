"""How often and how many at once the test page sends: each send holds a server thread while it calls the API back.

Per minute, an anonymous visitor (by client address) and a signed-in developer (by account) have a number of
sends (counted in the cache, so across processes and machines); and one server process has at most
API_TESTER_SENDS_IN_FLIGHT sends waiting on the API at once, so that the page can never hold every thread the
API needs to answer.
"""

import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib.client_ip import client_ip

WINDOW_SECONDS = 60


class Refused(Exception):
    """The send is refused: its message is the form's error, in the reader's language."""


@contextmanager
def send_slot(request):
    """Admits one send (counted against its visitor or developer) for the body of the `with`; Refused otherwise."""
    _count_against_the_sender(request)
    with _in_flight_slot():
        yield


def _count_against_the_sender(request):
    window = int(time.time() // WINDOW_SECONDS)
    seconds_left = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
    if request.user.is_authenticated:
        limit = settings.API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE
        message = ngettext(
            "Your account has sent %(limit)s test requests this minute, the most it may. "
            "Try again in %(seconds)s second.",
            "Your account has sent %(limit)s test requests this minute, the most it may. "
            "Try again in %(seconds)s seconds.",
            seconds_left,
        )
        key = f"tester-sends:developer:{request.user.pk}:{window}"
    else:
        limit = settings.API_TESTER_SENDS_PER_VISITOR_PER_MINUTE
        message = ngettext(
            "Your address has sent %(limit)s test requests this minute, the most it may without signing in. "
            "Try again in %(seconds)s second.",
            "Your address has sent %(limit)s test requests this minute, the most it may without signing in. "
            "Try again in %(seconds)s seconds.",
            seconds_left,
        )
        key = f"tester-sends:address:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        raise Refused(message % {"limit": limit, "seconds": seconds_left})


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
