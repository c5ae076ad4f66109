"""What an API call does once its caller is known; the same for the GET and the encrypted POST transports."""

from dataclasses import dataclass

from django.conf import settings

from api import callers, reasons
from api.models import CallRequest, iso_time
from api.protocol import ACTIONS, BY_ID, REQUESTS
from lib import phones
from lib.text import has_control_characters


class ApiError(Exception):
    """Ends an API call with a failure answer (one of api.reasons)."""

    def __init__(self, reason):
        super().__init__(reason.text)
        self.reason = reason


@dataclass
class CallSpec:
    """A call as the caller sent it, before validation. message None: the caller sent no message at all."""

    action: str
    my_number: str = ""
    my_iso: str = ""
    target_number: str = ""
    target_iso: str = ""
    target_id: str = ""
    message: str | None = ""

    def required(self):
        fields = [self.my_number, self.my_iso]
        fields += [self.target_id] if self.action in BY_ID else [self.target_number, self.target_iso]
        return fields


def perform(token, spec):
    """Validates the call and carries it out; raises ApiError otherwise.

    Returns (the success answer, the call request it created, refreshed or cancelled).
    """
    if spec.action not in ACTIONS:
        raise ApiError(reasons.UNKNOWN_ACTION)
    if not all(spec.required()) or (spec.action in REQUESTS and spec.message is None):
        raise ApiError(reasons.MISSING_PARAMETER)
    requester = _phone(spec.my_number, spec.my_iso)
    target_phone = None if spec.action in BY_ID else _phone(spec.target_number, spec.target_iso)
    message = _checked_message(spec.message) if spec.action in REQUESTS else ""

    if target_phone is None:
        target = callers.subscriber_for_id(spec.target_id)
        if target is None:
            raise ApiError(reasons.TARGET_ID_NOT_REGISTERED)
        iso, number = target.iso, target.national_number
    else:
        target = callers.subscriber_for_number(target_phone.e164)
        if target is None:
            raise ApiError(reasons.TARGET_NOT_REGISTERED)
        iso, number = spec.target_iso, spec.target_number

    if spec.action in REQUESTS:
        call_request, _created = CallRequest.request_call(requester, target, message, token)
    else:
        call_request = CallRequest.cancel_open(requester, target, token)
        if call_request is None:
            raise ApiError(reasons.NOTHING_PENDING)
    return {"result": "success", "opname": target.operator, "iso": iso, "phone_number": number}, call_request


def status(token, public_id):
    """The status answer for a call request the token's developer sent; ApiError for any other."""
    found = CallRequest.objects.sent_by(token.owner_id).filter(public_id=public_id).first() if public_id else None
    if found is None:
        raise ApiError(reasons.UNKNOWN_CALL_REQUEST)
    history = [{"state": state, "at": iso_time(at)} for state, at in found.history()]
    return {
        "result": "success",
        "id": found.public_id,
        "state": found.state,
        "history": history,
        "expires_at": iso_time(found.expires_at),
    }


def _phone(number, iso):
    try:
        return phones.normalise(number, iso)
    except phones.BadCountryCode:
        raise ApiError(reasons.BAD_COUNTRY_CODE) from None
    except phones.InvalidNumber:
        raise ApiError(reasons.INVALID_NUMBER) from None


def _checked_message(message):
    if has_control_characters(message):
        raise ApiError(reasons.INVALID_MESSAGE)
    if len(message) > settings.API_MESSAGE_MAX_LENGTH:
        raise ApiError(reasons.MESSAGE_TOO_LONG)
    return message
