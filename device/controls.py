"""The subscriber's controls in the device API: their blocks (a callback number, a developer account), listed and
undone, spam reports, and quiet hours (a request arriving then is pushed silently: device.push.sending). The Open API refuses a blocked sender (api.guards); what the sender sees is its reason."""

import json
import re

from api.recipients import Block, report_spam
from device import payloads, reasons
from device.auth import DeviceApiError, device_api, respond
from device.models import QuietHours
from device.views import own_call_request
from lib import quiet
from lib.times import iso_time

MAX_BODY_BYTES = 4096
BLOCKED_NUMBER = re.compile(r"^\+[1-9][0-9]{6,14}$")  # E.164


@device_api("GET", "POST")
def blocks(request):
    """GET: the subscriber's blocks, newest first. POST {"kind": "number"|"developer", "call_request": "cr_…"} blocks
    that request's callback number or its developer; {"kind": "number", "number": "+8210…"} a number typed in."""
    if request.method == "GET":
        return {"blocks": [block_payload(block) for block in Block.objects.of(request.subscriber)]}
    body = _body(request)
    kind, number = body.get("kind"), body.get("number")
    if kind not in Block.Kind.values or set(body) - {"kind", "call_request", "number"} or len(body) != 2:
        raise DeviceApiError(reasons.BAD_BLOCK)  # one of the two shapes, nothing else (device/openapi.py)
    if isinstance(body.get("call_request"), str):
        found = own_call_request(request, body["call_request"])
        block = Block.add(
            request.subscriber,
            kind,
            number=found.requester_number if kind == Block.Kind.NUMBER else "",
            developer=found.developer if kind == Block.Kind.DEVELOPER else None,
            label=found.token.name if kind == Block.Kind.DEVELOPER else "",
        )
    elif kind == Block.Kind.NUMBER and isinstance(number, str):
        # Compared with the E.164 "my number" of requests: any number in that form may be blocked, dialable or not.
        e164 = "".join(ch for ch in number if ch not in " -")
        if not BLOCKED_NUMBER.fullmatch(e164):
            raise DeviceApiError(reasons.BAD_BLOCK)
        block = Block.add(request.subscriber, kind, number=e164)
    else:
        raise DeviceApiError(reasons.BAD_BLOCK)
    return respond({"block": block_payload(block)}, status=201)


@device_api("DELETE")
def block(request, block_id):
    """Undoes one of the subscriber's blocks; answers the block removed."""
    found = Block.objects.of(request.subscriber).filter(public_id=block_id).first()
    if found is None:
        raise DeviceApiError(reasons.UNKNOWN_BLOCK)
    removed = block_payload(found)
    found.delete()
    return {"block": removed}


@device_api("POST")
def spam(request, call_request_id):
    """Reports one of the subscriber's call requests as spam: its developer is blocked, and counted against."""
    found = own_call_request(request, call_request_id)
    report_spam(request.subscriber, found)
    found.refresh_from_db()
    return {"call_request": payloads.call_request(found), "blocked": True}


@device_api("GET", "PUT", "DELETE")
def quiet_hours(request):
    """The subscriber's quiet hours (null when none). PUT {"start": "22:00", "end": "07:00", "time_zone":
    "Asia/Seoul"} sets them; PUT {} or DELETE clears them. A request arriving then is pushed silently."""
    subscriber = request.subscriber
    if request.method == "PUT":
        if not request.body:
            raise DeviceApiError(reasons.BAD_QUIET_HOURS)
        body = _body(request, reasons.BAD_QUIET_HOURS)
        if body:
            start, end = quiet.parse_time(body.get("start")), quiet.parse_time(body.get("end"))
            zone = body.get("time_zone")
            if set(body) != {"start", "end", "time_zone"} or None in (start, end):
                raise DeviceApiError(reasons.BAD_QUIET_HOURS)
            if not quiet.valid_zone(zone):
                raise DeviceApiError(reasons.BAD_QUIET_HOURS)
            QuietHours.objects.update_or_create(
                subscriber=subscriber, defaults={"start": start, "end": end, "time_zone": zone}
            )
        else:
            QuietHours.objects.filter(subscriber=subscriber).delete()
    elif request.method == "DELETE":
        QuietHours.objects.filter(subscriber=subscriber).delete()
    found = QuietHours.objects.filter(subscriber=subscriber).first()
    return {"quiet_hours": found.as_json() if found else None}


def block_payload(block):
    """A block as the app lists it: a developer by the app name of the token that sent the request."""
    shown = {"number": block.number} if block.kind == Block.Kind.NUMBER else {"developer": block.label}
    return {"id": block.public_id, "kind": block.kind, **shown, "created_at": iso_time(block.created_at)}


def _body(request, bad=reasons.BAD_BLOCK):
    if len(request.body) > MAX_BODY_BYTES:
        raise DeviceApiError(bad)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise DeviceApiError(bad) from None
    if not isinstance(body, dict):
        raise DeviceApiError(bad)
    return body
