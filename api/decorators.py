"""How every API call is answered and logged, and how a GET caller is authenticated."""

import logging
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken
from api import callers, guards, protocol, reasons, wire
from api.actions import ApiError, after_recovered_commit
from api.attribution import caller_address
from api.models import ApiRequestLog, CallRequest, PendingEntry
from api.outcome import DeadlinePassed, OutcomeUnknown, backend_pid, committed_or_not
from api.protocol import CALL_REQUEST_ID_HEADER, JSONP_PARAMETER, REQUEST_ID_HEADER
from api.rate_limits import Window, limits
from api.request_log import entry_values, record_call, write_call
from lib.deadlines import Deadline, request_start
from lib.outage import OUTAGE_ERRORS

log = logging.getLogger(__name__)

MAX_TOKEN_LENGTH = 64
# What a page's script may read of an answer (every header below but the CORS ones).
EXPOSED_HEADERS = ", ".join([REQUEST_ID_HEADER, CALL_REQUEST_ID_HEADER, "RateLimit-Policy", "RateLimit", "Retry-After"])
# How long a browser may keep a preflight's answer (Chrome keeps one 2 hours at most, Firefox a day).
PREFLIGHT_MAX_AGE_SECONDS = 86400


@dataclass(slots=True)
class ApiCall:
    """One call of the API as it is answered: made by api_endpoint, filled in by the authentication decorators
    (token_in_path, token_in_body) and read by the answer's headers and the request log."""

    request_id: str
    address: str | None
    refuse_callback: bool = False  # its JSONP callback name is invalid (refused once the token is known)
    token: ApiToken | None = None  # the token it names, when one was found
    action: str = ""  # the action it asked for, once read
    fields: dict | None = None  # an encrypted POST's decrypted fields
    admitted: bool = False  # proved to hold its token and counted against its rate limit
    window: Window | None = None  # where the caller stands in the rate limit the answer reports
    call_request: CallRequest | None = None  # the call request it sent or withdrew
    deadline: Deadline | None = None  # by when its transaction must have committed
    callback: str | None = None  # its valid JSONP callback name
    transport: str = ""  # as the request log names it
    started: float = 0.0  # time.monotonic() when the server began it
    response: HttpResponse | None = None  # its answer, once its transaction committed it and its log entry
    entry: object = None  # makes its entry for the statement that carries it out (one_statement), or None
    retry_after: int | None = None  # seconds, when a limit other than the rate limit refused it (api.guards)


def api_endpoint(method):
    """The view of an API path that takes this one method (and OPTIONS, a browser's CORS preflight).

    Answers in the API's JSON (or JSONP) shape whatever happens, and logs the call. The view takes the request
    and its ApiCall and returns (the success payload, the call request it names or None), or raises ApiError.
    Any other failure (the database down, or a bug) is answered 503 "service unavailable": never a 500 or an
    HTML page. The cache's outage is not one: the rate limits are then counted per process (api.rate_limits).
    """
    allow = f"{method}, OPTIONS"

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return preflight(method, allow)
            response = answer(request, view, method, *args, **kwargs)
            if response.status_code == reasons.METHOD_NOT_ALLOWED.status:
                response["Allow"] = allow
            return response

        return wrapper

    return decorate


def preflight(method, allow):
    """A CORS preflight's answer: any page may call (the call itself is checked against the token's host by
    its Referer or Origin), with a JSON body for the POST. Not a call of the API: neither logged nor counted."""
    response = HttpResponse(status=204)
    response["Allow"] = allow
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = method
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
    return response


def answer(request, view, method, *args, **kwargs):
    """The API's answer to one call, logged. Another method than the path's is refused before the token is
    read: the methods are the path's, whoever calls.

    A call that does something (its token admitted) does it in one transaction with its request log entry
    (carry_out): a success is committed with its entry, and anything else leaves nothing of the call behind
    but the entry written here, after the rollback, of a call that changed nothing."""
    call = ApiCall(new_request_id(), caller_address(request), started=time.monotonic())
    call.deadline = Deadline.of(request.META, settings.REQUEST_DEADLINE_SECONDS)
    callback = request.GET.get(JSONP_PARAMETER) if request.method == "GET" else None
    call.transport = ApiRequestLog.Transport.POST if request.method == "POST" else ApiRequestLog.Transport.GET
    if callback is not None:
        call.transport = ApiRequestLog.Transport.JSONP
    # A bad callback name is refused in plain JSON, never reflected. A view taking its token from the path
    # refuses it itself once the token is known, so the call still shows in the developer's request log.
    call.refuse_callback = callback is not None and not wire.is_valid_callback_name(callback)
    call.callback = None if call.refuse_callback else callback
    try:
        call.window = refusals_used_up(call.address)
        if call.window is not None:
            # Not even logged: a flood of refused calls from one address must not write a row each.
            return render(call, *failure(reasons.RATE_LIMITED), call.callback)
        if request.method != method:
            raise ApiError(reasons.METHOD_NOT_ALLOWED)
        if call.refuse_callback and not getattr(view, "refuses_bad_callback", False):
            raise ApiError(reasons.INVALID_CALLBACK)
        payload, call.call_request = view(request, call, *args, **kwargs)
        status = 200
    except Exception as exc:  # noqa: BLE001 - every failure has its answer (failure_of)
        payload, status = failure_of(exc, call)
    if call.response is not None:  # committed with its entry (carry_out)
        return call.response
    if call.window is None:  # neither admitted nor refused: the address's allowance, uncounted
        call.window = refusals_left(call.address)
    response = render(call, payload, status, call.callback)
    # After the rollback of whatever the call began: the entry of a call refused, timed out or failed outlives it,
    # and says what it was answered. A call whose outcome is unknown has none: its own may have been committed.
    if payload.get("reason") != reasons.OUTCOME_UNKNOWN.text:
        if connection.errors_occurred and not connection.in_atomic_block:  # one an outage broke: try a new one
            connection.close_if_unusable_or_obsolete()
        record_call(request, call, response, payload, status)
    return response


def failure_of(exc, call):
    """(payload, status) of a call that failed with exc: a refusal's reason, "outcome unknown" when its commit's
    reply was lost, else (an outage, its deadline passed, a bug) "service unavailable"."""
    if isinstance(exc, ApiError):
        call.retry_after = exc.retry_after
        if not call.admitted:
            call.window = count_refusal(call.address)
        return failure(exc.reason)
    if isinstance(exc, OutcomeUnknown):
        log.warning("API call answered 'outcome unknown': %s", exc)
        return failure(reasons.OUTCOME_UNKNOWN)
    if isinstance(exc, (*OUTAGE_ERRORS, DeadlinePassed)):  # one line per call, not a traceback each
        log.warning("API call answered 'service unavailable': %s: %s", type(exc).__name__, exc)
    else:
        log.error("API call failed", exc_info=exc)
    return failure(reasons.SERVICE_UNAVAILABLE)


def carry_out(request, call, view, *args, read_only=False, **kwargs):
    """Runs an admitted call's action with its request log entry, committed together or not at all; returns the
    view's (payload, call request) once committed, and keeps the answer in call.response.

    On PostgreSQL, when the token's webhooks listen to nothing, the statement that carries the call out also writes
    its entry (one_statement): atomic by itself, with no transaction around it. Otherwise one transaction holds the
    call's statements, its outbox events and its entry. A read_only call (status) changes nothing: its entry is
    written on its own.

    Whatever fails (a refusal, a statement cancelled by its timeout, the database gone, the entry's insert) leaves
    nothing of the call behind, and answer() writes the entry of the failure after the rollback. So does a call
    whose deadline passed before its commit. When the connection drops while the call is being committed, the
    call is looked up by its request ID (api.outcome.committed_or_not): its answer is then what really happened,
    or "outcome unknown" when the database cannot tell in time."""
    if not read_only and connection.vendor == "postgresql" and not call.token.webhook_event_types:
        return one_statement(request, call, view, *args, **kwargs)
    committing = None
    try:
        with nullcontext() if read_only else transaction.atomic():
            payload, call.call_request = view(request, call, *args, **kwargs)
            response = render(call, payload, 200, call.callback)
            write_call(request, call, response, payload, 200)
            if not read_only and call.deadline.passed():  # its caller is about to be told it failed: no commit now
                raise DeadlinePassed(f"{-call.deadline.left():.3f} s past the call's deadline")
            committing = (backend_pid(),)
    except OUTAGE_ERRORS:
        # OutcomeUnknown goes out from here with the call request named (X-Call-Request-Id): its status tells.
        if committing is None or not committed_or_not(call.request_id, call.deadline, *committing):
            call.call_request = None  # rolled back: neither the answer nor the failure's entry names it
            raise
        if call.call_request is not None:
            after_recovered_commit(call.token, call.call_request, request_start(request.META))
    except BaseException:
        call.call_request = None
        raise
    call.response = response
    return payload, call.call_request


def one_statement(request, call, view, *args, **kwargs):
    """carry_out() where the statement that does the call also inserts its entry (call.entry, made by the view
    once it knows its answer): a success is committed with its entry by that one statement. A call that
    changes nothing (refused, or an open request to cancel not found) wrote none: answer() writes it."""
    offered = []  # (payload, PendingEntry, the server process that runs the statement)

    def entry(payload):
        if call.deadline.passed():  # not started now: its caller is about to be told it failed
            raise DeadlinePassed(f"{-call.deadline.left():.3f} s past the call's deadline")
        values = entry_values(request, call, render(call, payload, 200, call.callback), payload, 200)
        offered.append((payload, PendingEntry(ApiRequestLog.objects.prepared(**values)), backend_pid()))
        return offered[-1][1]

    call.entry = entry
    try:
        payload, call.call_request = view(request, call, *args, **kwargs)
    except OUTAGE_ERRORS:
        # The statement's reply lost with the connection: it may have been committed. Otherwise (an error the
        # database answered: a timeout, a lock) it was not.
        if not (offered and connection_lost() and committed_or_not(call.request_id, call.deadline, offered[0][2])):
            call.call_request = None
            raise
        payload = offered[0][0]
        call.call_request = CallRequest.objects.filter(request_log__request_id=call.request_id).first()
        if call.call_request is not None:
            after_recovered_commit(call.token, call.call_request, request_start(request.META))
    except BaseException:
        call.call_request = None
        raise
    else:
        if not (offered and offered[0][1].written):  # a view whose statement took no entry (none): on its own
            write_call(request, call, render(call, payload, 200, call.callback), payload, 200)
    call.response = render(call, payload, 200, call.callback)
    return payload, call.call_request


def connection_lost():
    """Whether this thread's database connection broke (its last statement's reply may have been lost)."""
    raw = connection.connection
    return raw is None or raw.closed or getattr(raw, "broken", False)


def failure(reason):
    return {"result": "failed", "reason": reason.text}, reason.status


def render(call, payload, status, callback=None):
    """The seed's body, byte for byte; what we add goes in headers."""
    if callback is not None:  # JSONP: a script tag cannot read the status, so always 200
        response = HttpResponse(
            wire.jsonp_body(callback, payload), content_type="application/javascript; charset=utf-8"
        )
    else:
        response = HttpResponse(wire.json_body(payload), status=status, content_type="application/json; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    # The API passes the middleware that would add it (api.routing.ApiRoutingMiddleware).
    response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "no-store"
    response[REQUEST_ID_HEADER] = call.request_id
    # Every answer is in the request log, and an outage or a failure is logged where it is caught (answer()):
    # Django's request log must not also write a line, its path redacted, for each refused call (a 4xx).
    response._has_been_logged = True
    if call.call_request is not None:  # the one a callback sent or a cancel withdrew
        response[CALL_REQUEST_ID_HEADER] = call.call_request.public_id
    window = call.window
    if window is not None:
        for name, value in window.headers().items():
            response[name] = value
        if payload.get("reason") == reasons.RATE_LIMITED.text:
            response["Retry-After"] = str(window.retry_after)
    if call.retry_after is not None:
        response["Retry-After"] = str(call.retry_after)
    return response


def new_request_id():
    """A unique, unguessable ID for one API call: "req_" and 24 hexadecimal digits."""
    return "req_" + secrets.token_hex(12)


def token_in_path(view):
    """Authenticates a GET by the token in its path and attaches it to the call."""

    @wraps(view)
    def wrapper(request, call, token, *args, **kwargs):
        api_token = callers.token_for_secret(token) if 0 < len(token) <= MAX_TOKEN_LENGTH else None
        call.token = api_token
        if call.refuse_callback:  # after the token is known: the call is in its log
            raise ApiError(reasons.INVALID_CALLBACK)
        if api_token is None:
            raise ApiError(reasons.UNKNOWN_TOKEN)
        if not (api_token.is_active and api_token.accepts(token)):
            raise ApiError(reasons.TOKEN_NOT_ACTIVE)
        guards.check_caller(api_token, request)  # its restriction: a page of its host, or its servers
        admit(call, api_token)
        return carry_out(request, call, view, *args, read_only=kwargs.get("action") == protocol.STATUS, **kwargs)

    wrapper.refuses_bad_callback = True
    return wrapper


def admit(call, token):
    """Counts the call against the token's rate limit (ApiError when over it) and marks the token used.

    Only for calls that proved they hold the token and are fresh: a captured or forged call must not use
    up its victim's limit (such calls count against their address: count_refusal).
    """
    call.admitted = True
    call.window = limits().hit("token", str(token.pk), token.rate_limit())
    if not call.window.allowed:
        raise ApiError(reasons.RATE_LIMITED)
    token.record_use(call.address)


def refusals_used_up(address):
    """The Window of this address when this process has seen its refused calls use up the minute's allowance
    (API_REFUSED_PER_ADDRESS_PER_MINUTE), else None. Read here, not in Redis: an admitted call costs no round
    trip for it; another process learns of a flood at the first call it refuses itself."""
    return limits().used_up_here("address", address, settings.API_REFUSED_PER_ADDRESS_PER_MINUTE)


def refusals_left(address):
    """The Window of this address's calls refused before admission this minute, without counting one."""
    return limits().peek("address", address, settings.API_REFUSED_PER_ADDRESS_PER_MINUTE)


def count_refusal(address):
    """Counts a call refused before admission (unknown or inactive token, stale, replayed, malformed…); an
    outage's 503 is not the caller's doing and is not counted. Returns the address's Window after it."""
    return limits().hit("address", address, settings.API_REFUSED_PER_ADDRESS_PER_MINUTE)
