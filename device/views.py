"""The device API: what the CallbackNow app on a subscriber's phone calls (see /openapi.json, tag "Device API")."""

import re

from api.models import CallRequest, InvalidTransition
from device import inbox, payloads, reasons
from device.auth import DeviceApiError, device_api, failure

MAX_WAIT_SECONDS = 30
WAIT_PATTERN = re.compile(r"[0-9]{1,2}")


@device_api("GET")
def me(request):
    return {"subscriber": payloads.subscriber(request.subscriber)}


@device_api("GET")
def call_requests(request):
    """The open requests, newest first; with ?wait= it answers when something changed, or after the wait."""
    inbox.wait_for_change(request.subscriber, request.GET.get("cursor", ""), wait_seconds(request.GET.get("wait")))
    inbox.deliver(request.subscriber)
    cursor = inbox.cursor(request.subscriber)  # before listing: whatever happens after it ends the next wait
    listed = [payloads.call_request(found) for found in inbox.open_requests(request.subscriber)]
    return {"call_requests": listed, "cursor": cursor}


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
