"""How every API call is answered and logged, and how a GET caller is authenticated."""

import logging
import secrets
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken
from api import callers, guards, reasons, wire
from api.actions import ApiError
from api.attribution import caller_address
from api.models import ApiRequestLog, CallRequest
from api.protocol import CALL_REQUEST_ID_HEADER, JSONP_PARAMETER, REQUEST_ID_HEADER
from api.rate_limits import Window, limits
from api.request_log import record_call
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
    read: the methods are the path's, whoever calls."""
    started = time.monotonic()
    call = ApiCall(new_request_id(), caller_address(request))
    callback = request.GET.get(JSONP_PARAMETER) if request.method == "GET" else None
    transport = ApiRequestLog.Transport.POST if request.method == "POST" else ApiRequestLog.Transport.GET
    if callback is not None:
        transport = ApiRequestLog.Transport.JSONP
    # A bad callback name is refused in plain JSON, never reflected. A view taking its token from the path
    # refuses it itself once the token is known, so the call still shows in the developer's request log.
    call.refuse_callback = callback is not None and not wire.is_valid_callback_name(callback)
    if call.refuse_callback:
        callback = None
    try:
        call.window = refusals_used_up(call.address)
        if call.window is not None:
            # Not even logged: a flood of refused calls from one address must not write a row each.
            return render(call, *failure(reasons.RATE_LIMITED), callback)
        if request.method != method:
            raise ApiError(reasons.METHOD_NOT_ALLOWED)
        if call.refuse_callback and not getattr(view, "refuses_bad_callback", False):
            raise ApiError(reasons.INVALID_CALLBACK)
        payload, call.call_request = view(request, call, *args, **kwargs)
        status = 200
    except ApiError as error:
        payload, status = failure(error.reason)
        call.retry_after = error.retry_after
        if not call.admitted:
            call.window = count_refusal(call.address)
    except OUTAGE_ERRORS as exc:  # one line per call: an outage would otherwise log a traceback each
        log.warning("API call answered 'service unavailable': %s: %s", type(exc).__name__, exc)
        payload, status = failure(reasons.SERVICE_UNAVAILABLE)
    except Exception:
        log.exception("API call failed")
        payload, status = failure(reasons.SERVICE_UNAVAILABLE)
    if call.window is None:  # neither admitted nor refused: the address's allowance, uncounted
        call.window = refusals_left(call.address)
    response = render(call, payload, status, callback)
    record_call(request, call, transport, response, payload, status, started)
    return response


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
        return view(request, call, *args, **kwargs)

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
