"""What the request log keeps of an API call: one insert as the call is answered, the token masked everywhere.

The entry holds the request as received (the path with its token segment masked, the query, the headers that
matter, a POST's decrypted fields with mytoken masked), the answer's body, the numbers the call names (digits,
for the log's search) and the action it asked for, also when it was refused before the action ran.
"""

import logging
import time

from api import protocol
from api.models import ApiRequestLog
from lib.hosts import host_from_header
from lib.outage import OUTAGE_ERRORS

log = logging.getLogger(__name__)

HEADERS = ("Referer", "Origin", "User-Agent", "Content-Type")
MAX_HEADER = 300
MAX_PATH = 1000
MAX_ANSWER = 4000
MAX_FIELD = 2000
UNKNOWN_TOKEN_MASK = "[token]"


def write_call(request, call, response, payload, status):
    """Writes the call (api.decorators.ApiCall) to the request log, in the caller's transaction if there is one;
    raises what the database raises."""
    ApiRequestLog.objects.write(**entry_values(request, call, response, payload, status))


def entry_values(request, call, response, payload, status):
    """The request log entry of the call answered so, as ApiRequestLog.objects.write() takes it."""
    return dict(
        request_id=call.request_id,
        token=call.token,
        call_request=call.call_request,
        action=action_asked(request, call),
        transport=call.transport,
        result=payload["result"],
        reason=payload.get("reason", ""),
        status=status,
        client_ip=call.address,
        referer_host=(referer_host(request) or "")[:255],
        duration_ms=int((time.monotonic() - call.started) * 1000),
        received=received(request, call),
        answer=storable(response.content.decode("utf-8", "replace"), MAX_ANSWER),
        numbers=numbers_named(request, call),
    )


def record_call(request, call, response, payload, status):
    """Writes the entry of a call that changed nothing (a refusal, a failure) on its own; a database that is down
    loses the entry, not the answer."""
    try:
        write_call(request, call, response, payload, status)
    except OUTAGE_ERRORS as exc:
        log.warning("API call not logged: %s: %s", type(exc).__name__, exc)
    except Exception:
        log.exception("API call not logged")


def referer_host(request):
    return host_from_header(request.headers.get("Origin") or request.headers.get("Referer"))


def path_parts(request):
    """(action, parameters) of a GET call's path as its URL names them, or ("", []) for the POST."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match is not None else {}
    text = kwargs.get("params") or ""
    text = text[:-1] if text.endswith("/") else text
    return kwargs.get("action", ""), text.split("/") if text else []


def action_asked(request, call):
    """The action the call asked for: the one it ran, else (refused before it ran) the one its path names."""
    if call.action in protocol.GET_ACTIONS:
        return call.action
    action, parameters = path_parts(request)
    action = protocol.path_action(action, len(parameters))
    return action if action in protocol.GET_ACTIONS else ""


def masked_token(call):
    return call.token.masked if call.token is not None else UNKNOWN_TOKEN_MASK


def storable(text, limit):
    """text as PostgreSQL keeps it: NUL, which no text or JSON column takes, shown as the symbol for it."""
    return text[:limit].replace("\x00", "\u2400")


def received(request, call):
    """The request as received, with no secret in it."""
    path = request.path
    if getattr(request, "resolver_match", None) is not None and "token" in request.resolver_match.kwargs:
        _empty, _token, rest = (path.split("/", 2) + ["", ""])[:3]
        path = f"/{masked_token(call)}/{rest}"
    entry = {
        "method": request.method,
        "path": storable(path, MAX_PATH),
        "query": storable(request.META.get("QUERY_STRING", ""), MAX_PATH),
        "headers": {name: storable(request.headers[name], MAX_HEADER) for name in sent_headers(request)},
    }
    if call.fields is not None:
        entry["fields"] = {
            name: masked_token(call) if name == "mytoken" else storable(value, MAX_FIELD)
            for name, value in call.fields.items()
        }
    return entry


def sent_headers(request):
    """The names of HEADERS the caller sent. Content-Type only with a body: a server may fill in text/plain for a
    request without one (wsgiref, under runserver, does), which the caller never sent."""
    names = [name for name in HEADERS if name in request.headers]
    if "Content-Type" in names and request.META.get("CONTENT_LENGTH", "") in ("", "0"):
        names.remove("Content-Type")
    return names


def digits(text):
    return "".join(ch for ch in text if ch.isdigit())


def numbers_named(request, call):
    """The caller's and the target's numbers (digits only, as sent), for the log's search by number."""
    if call.fields is not None:
        numbers = [call.fields.get("myphonenumber", "")]
        if call.action not in protocol.BY_ID:
            numbers.append(call.fields.get("phonenumber", ""))
    else:
        action, parameters = path_parts(request)
        action = protocol.path_action(action, len(parameters))
        numbers = parameters[:1] if action in protocol.ACTIONS else []
        if action in protocol.ACTIONS and action not in protocol.BY_ID:
            numbers += parameters[2:3]
    return " ".join(filter(None, (digits(number)[:20] for number in numbers)))[:64]
