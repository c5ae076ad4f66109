"""Following a call request from the test page: which requests a visitor may follow, and their timeline.

A signed-in developer follows the requests their tokens sent. An anonymous visitor follows only those sent
from their own browser session (the IDs are kept in the session) with a token of the request's developer:
an ID read elsewhere, or guessed, shows nothing.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.urls import reverse

from accounts.models import ApiToken
from api.models import CallRequest
from api.protocol import CALL_REQUEST_ID_HEADER, STATUS
from apitester import wire
from device.models import DeliveryStep
from device.pages import may_open_any_phone
from lib.times import history_for_json, iso_time

SESSION_KEY = "apitester_call_requests"
KEPT_IN_SESSION = 50
CALL_REQUEST_ID = re.compile(r"cr_[A-Za-z0-9]{1,29}")
State = CallRequest.State


def remember(request, exchange, secret):
    """The call request the API's answer names (X-Call-Request-Id), when the sender may follow it, else None.

    The request must be one the sending token's developer owns; an anonymous visitor's session keeps its ID.
    """
    public_id = exchange.header(CALL_REQUEST_ID_HEADER) if exchange is not None else ""
    if not CALL_REQUEST_ID.fullmatch(public_id):
        return None
    if request.user.is_authenticated:
        developer = request.user.pk
    else:
        token = ApiToken.objects.lookup(secret)
        developer = token.owner_id if token is not None else None
    found = _requests().sent_by(developer).filter(public_id=public_id).first() if developer else None
    if found is not None and not request.user.is_authenticated:
        kept = [public_id, *(other for other in request.session.get(SESSION_KEY, []) if other != public_id)]
        request.session[SESSION_KEY] = kept[:KEPT_IN_SESSION]
    return found


def followed_or_404(request, public_id):
    """The call request with this ID if this visitor may follow it; 404 for any other (nobody learns what exists)."""
    found = _followable(request, public_id or "")
    if found is None:
        raise Http404
    return found


def _followable(request, public_id):
    if not CALL_REQUEST_ID.fullmatch(public_id):
        return None
    if request.user.is_authenticated:
        return _requests().sent_by(request.user).filter(public_id=public_id).first()
    if public_id in request.session.get(SESSION_KEY, []):
        return _requests().filter(public_id=public_id).first()
    return None


def _requests():
    return CallRequest.objects.select_related("target").prefetch_related("changes")


@dataclass(frozen=True)
class Step:
    """One state of the timeline: reached at `at`, or (None) still ahead."""

    state: str
    label: str
    at: datetime | None = None


def timeline(call_request):
    """The states the request went through, each with its time; while it is open, the steps still ahead."""
    history = call_request.history()
    steps = [Step(state, State(state).label, at) for state, at in history]
    if call_request.is_open:
        reached = {state for state, _at in history}
        steps += [Step(state, State(state).label) for state in (State.DELIVERED, State.SEEN) if state not in reached]
        steps.append(Step("outcome", f"{State.ANSWERED.label} / {State.DECLINED.label}"))
    return steps


def follow(request, call_request):
    """What the page shows of a followed request: its timeline, where to follow it, the target's phone."""
    if call_request is None:
        return None
    target = call_request.target
    own_test_phone = target.is_test and target.test_owner_id is not None and target.test_owner_id == request.user.pk
    staff = not own_test_phone and not target.is_test and may_open_any_phone(request.user)
    if own_test_phone:
        phone_url = reverse("testmode:open_phone", args=[target.pk])
    elif staff:
        phone_url = reverse("phone:staff_phone", args=[call_request.target_id])
    else:
        phone_url = reverse("phone:phone")
    return {
        "call_request": call_request,
        "steps": timeline(call_request),
        "delivery": DeliveryStep.trace_of(call_request.pk),  # the pushes, and the stream or long poll that delivered it
        "state_url": reverse("apitester:call_request_state", args=[call_request.public_id]),
        "status_url": reverse("apitester:check_status", args=[call_request.public_id]),
        "staff_phone": staff,
        "own_test_phone": own_test_phone,
        "magic": target.is_test and target.test_owner_id is None,
        "phone_url": phone_url,
    }


def as_json(call_request, timeline_html):
    """The followed request for the page's script: its state, history and timeline as the page shows it."""
    return {
        "id": call_request.public_id,
        "state": call_request.state,
        "open": call_request.is_open,
        "history": history_for_json(call_request.history()),
        "expires_at": iso_time(call_request.expires_at),
        "timeline": timeline_html,
    }


def status_request(public_id, secret, base, page_host=""):
    """The status call's GET (GET /<token>/status/<id>), with the headers of the page's other GETs."""
    url = base.join([secret, STATUS, public_id])
    headers = wire.base_headers(base) + wire.page_headers(page_host) + [("Connection", "close")]
    return wire.Outgoing("GET", url, headers)
