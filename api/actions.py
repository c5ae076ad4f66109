"""What an API call does once its caller is known; the same for the GET and the encrypted POST transports."""

from dataclasses import dataclass

from django.conf import settings

from api import callers, play, reasons, testmode
from api.models import CallRequest, iso_time, normalise_public_id
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

    magic = None
    if token.is_test:
        failure = None if target_phone is None else testmode.FAILURE_BY_NUMBER.get(target_phone.e164)
        if failure is not None:
            raise ApiError(failure.reason)
        by_id = testmode.OUTCOME_BY_ID.get(normalise_public_id(spec.target_id)) if target_phone is None else None
        magic = by_id or (None if target_phone is None else testmode.OUTCOME_BY_NUMBER.get(target_phone.e164))
    if magic is not None:
        target = callers.magic_subscriber(magic)
    elif target_phone is None:
        target = _reachable(token, callers.subscriber_for_id(spec.target_id, token.is_test))
        if target is None:
            raise ApiError(_world_refusal(token, testmode.is_test_id(spec.target_id), reasons.TARGET_ID_NOT_REGISTERED))
    else:
        target = _reachable(token, callers.subscriber_for_number(target_phone.e164, token.is_test))
        if target is None:
            in_range = testmode.is_test_number(target_phone.e164)
            raise ApiError(_world_refusal(token, in_range, reasons.TARGET_NOT_REGISTERED))
    if target_phone is None:
        iso, number = target.iso, target.national_number
    else:
        iso, number = spec.target_iso, spec.target_number

    if spec.action in REQUESTS:
        ttl = testmode.MAGIC_TTL_SECONDS if magic is not None else None
        call_request, created = CallRequest.request_call(requester, target, message, token, ttl_seconds=ttl)
        if magic is not None and created:
            play.magic_outcome(call_request, magic)
    else:
        call_request = CallRequest.cancel_open(requester, target, token)
        if call_request is None:
            raise ApiError(reasons.NOTHING_PENDING)
    return {"result": "success", "opname": target.operator, "iso": iso, "phone_number": number}, call_request


def status(token, public_id):
    """The status answer for a call request the token's developer sent; ApiError for any other."""
    # Of the token's world only: a test token does not read live requests, nor a live token test ones.
    read = CallRequest.with_history(token.owner_id, token.is_test, public_id) if public_id else None
    if read is None:
        raise ApiError(reasons.UNKNOWN_CALL_REQUEST)
    found, history = read
    history = [{"state": state, "at": iso_time(at)} for state, at in history]
    return {
        "result": "success",
        "id": found.public_id,
        "state": found.state,
        "history": history,
        "expires_at": iso_time(found.expires_at),
    }


def _reachable(token, subscriber):
    """The subscriber if the token may reach it (its world, and a test phone only its own developer's)."""
    return subscriber if subscriber is not None and subscriber.can_be_reached_by(token) else None


def _world_refusal(token, in_test_range, not_registered):
    """Why no one was found: the target lies in the other world, or it is simply not registered.

    A test token is told about any target outside test mode, registered or not: test tokens, which need no
    approval, must not tell who is a CallbackNow user.
    """
    if token.is_test and not in_test_range:
        return reasons.TEST_TOKEN_LIVE_TARGET
    if not token.is_test and in_test_range:
        return reasons.LIVE_TOKEN_TEST_TARGET
    return not_registered


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
