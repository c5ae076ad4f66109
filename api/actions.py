"""What an API call does once its caller is known; the same for the GET and the encrypted POST transports."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from api import callers, changes, delivery_trace, guards, play, reasons, testmode
from api.models import CallRequest
from api.protocol import ACTIONS, BY_ID, REQUESTS
from lib import phones
from lib.text import has_control_characters
from lib.times import history_for_json, iso_time


class ApiError(Exception):
    """Ends an API call with a failure answer (one of api.reasons)."""

    def __init__(self, reason, retry_after=None):
        super().__init__(reason.text)
        self.reason = reason
        self.retry_after = retry_after  # seconds, for the Retry-After header of a limit


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


def perform(token, spec, entry=None):
    """Validates the call and carries it out; raises ApiError otherwise.

    Returns (the success answer, the call request it created, refreshed or cancelled). entry(answer), when given,
    makes the call's request log entry (api.models.PendingEntry) of that success, for the statement that carries
    the call out to write with it.
    """
    requester, target_phone, message = _validated(spec)
    if spec.action in REQUESTS:
        guards.check_callback_number(token, requester)
    target, magic = _find_target(token, spec, target_phone)
    if spec.action in REQUESTS:
        guards.check_target(token, target, requester)
    if target_phone is None:  # named by its ID: answered with its number
        iso, number = target.iso, target.national_number
    else:
        iso, number = spec.target_iso, spec.target_number
    answer = {"result": "success", "opname": target.operator, "iso": iso, "phone_number": number}
    pending = entry(answer) if entry is not None else None
    if spec.action in REQUESTS:
        call_request = _request(requester, target, message, token, magic, pending)
    else:
        call_request = CallRequest.cancel_open(requester, target, token, entry=pending)
        if call_request is None:
            raise ApiError(reasons.NOTHING_PENDING)
    return answer, call_request


def status(token, public_id):
    """The status answer for a call request the token's developer sent; ApiError for any other."""
    # Of the token's world only: a test token does not read live requests, nor a live token test ones.
    read = CallRequest.with_history(token.owner_id, token.is_test, public_id) if public_id else None
    if read is None:
        raise ApiError(reasons.UNKNOWN_CALL_REQUEST)
    found, history = read
    history = history_for_json(history)
    return {
        "result": "success",
        "id": found.public_id,
        "state": found.state,
        "history": history,
        "expires_at": iso_time(found.expires_at),
        "delivery": delivery_trace.of(found.pk),  # added after the seed's fields: how it reached the phone
    }


def _validated(spec):
    """(the requester's phone, the target's phone or None when named by its ID, the message) of a well-formed call."""
    if spec.action not in ACTIONS:
        raise ApiError(reasons.UNKNOWN_ACTION)
    if not all(spec.required()) or (spec.action in REQUESTS and spec.message is None):
        raise ApiError(reasons.MISSING_PARAMETER)
    requester = _phone(spec.my_number, spec.my_iso)
    target_phone = None if spec.action in BY_ID else _phone(spec.target_number, spec.target_iso)
    message = _checked_message(spec.message) if spec.action in REQUESTS else ""
    return requester, target_phone, message


def _find_target(token, spec, target_phone):
    """(the subscriber the call is for, the magic outcome it is played to or None); ApiError when the token may reach
    no one by that number or ID."""
    e164 = None if target_phone is None else target_phone.e164
    magic = testmode.magic_target(e164, spec.target_id) if token.is_test else None
    if isinstance(magic, testmode.Failure):
        raise ApiError(magic.reason)
    if magic is not None:
        return callers.magic_subscriber(magic), magic
    if e164 is None:
        found = callers.subscriber_for_id(spec.target_id, token.is_test)
        in_test_range, not_registered = testmode.is_test_id(spec.target_id), reasons.TARGET_ID_NOT_REGISTERED
    else:
        found = callers.subscriber_for_number(e164, token.is_test)
        in_test_range, not_registered = testmode.is_test_number(e164), reasons.TARGET_NOT_REGISTERED
    if found is None or not found.can_be_reached_by(token):
        raise ApiError(testmode.world_refusal(token.is_test, in_test_range, not_registered))
    return found, None


def after_recovered_commit(token, call_request, received_at):
    """What a call leaves for after its commit (transaction.on_commit), for a call whose commit's reply was lost
    and which was then found committed (api.outcome): those hooks went with the connection. Its subscriber's phones
    are woken (and pushed to), and a magic request it created (on or after received_at, still pending) is played."""
    changes.call_requests_changed(call_request.target_id)
    magic = testmode.magic_target(call_request.target.number, None) if token.is_test else None
    created = call_request.created_at.timestamp() >= received_at - 1  # not a refresh of an older open one
    if isinstance(magic, testmode.Outcome) and created and call_request.state == CallRequest.State.PENDING:
        play.magic_outcome(call_request, magic)


def _request(requester, target, message, token, magic, entry=None):
    """The call request sent (or refreshed); a magic target's new one is played to its outcome."""
    ttl = testmode.MAGIC_TTL_SECONDS if magic is not None else None
    call_request, created = CallRequest.request_call(requester, target, message, token, ttl_seconds=ttl, entry=entry)
    if magic is not None and created:  # once the call's transaction commits: a rolled-back request is not played
        transaction.on_commit(lambda: play.magic_outcome(call_request, magic))
    if created:  # counted once committed (at once outside a transaction: its one statement has committed)
        transaction.on_commit(lambda: guards.count_toward_target(token, target), robust=True)
    return call_request


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
