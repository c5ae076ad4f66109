"""The device API: what the CallbackNow app on a subscriber's phone calls (see /openapi.json, tag "Device API")."""

import re

from django.core.handlers.wsgi import WSGIRequest

from api.models import CallRequest, InvalidTransition
from device import inbox, payloads, reasons, stream
from device.auth import DeviceApiError, device_api, failure, respond
from device.held import Admission
from device.models import EVENT_TICKET_SECONDS, PushTarget
from device.push import targets

MAX_WAIT_SECONDS = 30
WAIT_PATTERN = re.compile(r"[0-9]{1,2}")


@device_api("GET")
def me(request):
    target = PushTarget.objects.filter(device_key=request.device_key).first()
    return {"subscriber": payloads.subscriber(request.subscriber), "push": target.as_json() if target else None}


@device_api("PUT", "DELETE")
def push(request):
    """Registers (PUT) or removes (DELETE) where a push wakes this phone when its app sleeps."""
    if request.method == "DELETE":
        PushTarget.objects.filter(device_key=request.device_key).delete()
        return respond({"push": None})
    kind, secret, shown, environment = targets.parse(request.body)
    target = PushTarget.register(request.device_key, kind, secret, shown, environment)
    return {"push": target.as_json()}


@device_api("GET")
async def call_requests(request):
    """The open requests, newest first; with ?wait= it answers when something changed, or after the wait."""
    wait = wait_seconds(request.GET.get("wait"))
    if wait:  # answered about `wait` seconds after the phone sent it, its time in a queue included
        wait = max(1, wait - int(getattr(request, "queued_seconds", 0)))
        admission = await Admission.take(request.device_key)
        try:
            await inbox.wait_for_change(request.subscriber, request.device_key, request.GET.get("cursor", ""), wait)
        finally:
            await admission.give_back()
    return (await inbox.current(request.subscriber, request.device_key))["answer"]


@device_api("GET", tickets=True)
async def events(request):
    """The subscriber's call requests as Server-Sent Events, from Last-Event-ID (or ?last_event_id=) on."""
    cursor = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    admission = await Admission.take(request.device_key)
    threaded = isinstance(request, WSGIRequest)
    return stream.EventStream(request.subscriber, request.device_key, admission, stream.parse_cursor(cursor), threaded)


@device_api("POST")
def event_tickets(request):
    """A ticket that opens the event stream without an Authorization header (a browser's EventSource)."""
    ticket = {"ticket": request.device_key.event_ticket(), "expires_in": EVENT_TICKET_SECONDS}
    return respond(ticket, status=201)


@device_api("GET")
def call_request(request, call_request_id):
    return {"call_request": payloads.call_request(own_call_request(request, call_request_id))}


@device_api("POST")
def seen(request, call_request_id):
    return change(request, call_request_id, CallRequest.mark_seen)


@device_api("POST")
def answer(request, call_request_id):
    return change(request, call_request_id, CallRequest.answer)


@device_api("POST")
def decline(request, call_request_id):
    return change(request, call_request_id, CallRequest.decline)


def unknown_path(request):
    return failure(DeviceApiError(reasons.NOT_FOUND))


def wait_seconds(value):
    if value is None:
        return 0
    if not WAIT_PATTERN.fullmatch(value) or int(value) > MAX_WAIT_SECONDS:
        raise DeviceApiError(reasons.BAD_WAIT)
    return int(value)


def own_call_request(request, call_request_id):
    found = inbox.own(request.subscriber, call_request_id)
    if found is None:
        raise DeviceApiError(reasons.UNKNOWN_CALL_REQUEST)
    return found


def change(request, call_request_id, step):
    found = own_call_request(request, call_request_id)
    try:
        step(found)
    except InvalidTransition as refused:
        raise DeviceApiError(reasons.REFUSED_CHANGE, str(refused)) from None
    return {"call_request": payloads.call_request(found)}
