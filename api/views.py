"""The Open API endpoints, at the root of the site as in the seed (api.routing)."""

from api import actions, protocol, reasons
from api.actions import ApiError, CallSpec
from api.decorators import api_endpoint, token_in_path
from api.encrypted import call_spec, token_in_body
from api.wire import decode_path_message


@api_endpoint("GET")
@token_in_path
def path_call(request, call, action, params=None):
    """GET /<token>/<action>/<parameters…>[/][?callback=name]"""
    if action == protocol.STATUS:
        call.action = action
        return actions.status(call.token, status_id(params or "")), None
    spec = spec_from_path(action, params or "")
    call.action = spec.action
    return actions.perform(call.token, spec, call.entry)


@api_endpoint("POST")
@token_in_body
def encrypted_call(request, call):
    """POST /callback/callback_api.php with the seed's PHP client's encrypted JSON body."""
    return actions.perform(call.token, call_spec(call.fields), call.entry)


def status_id(params):
    """The call request ID of a status path: one segment, a trailing "/" allowed."""
    text = params[:-1] if params.endswith("/") else params
    if not text:
        raise ApiError(reasons.MISSING_PARAMETER)
    if "/" in text:
        raise ApiError(reasons.TOO_MANY_PARAMETERS)
    return text


def spec_from_path(action, params):
    """The call a GET path asks for. A message is the rest of the path, "/" included; the seed's
    four-part cancel (/cancel/<my number>/<my iso>/<target id>) is a neocancel."""
    if action not in protocol.ACTIONS:
        raise ApiError(reasons.UNKNOWN_ACTION)
    text = params[:-1] if params.endswith("/") else params
    if action in protocol.REQUESTS:
        fixed = 4 if action == protocol.CALLBACK else 3
        parts = text.split("/", fixed)
        message = decode_path_message(parts[fixed]) if len(parts) > fixed else None
        parts = (parts + [""] * fixed)[:fixed]
    else:
        parts = text.split("/") if text else []
        action = protocol.path_action(action, len(parts))
        if len(parts) > (4 if action == protocol.CANCEL else 3):
            raise ApiError(reasons.TOO_MANY_PARAMETERS)
        parts, message = (parts + [""] * 4)[:4], ""
    spec = CallSpec(action=action, my_number=parts[0], my_iso=parts[1], message=message)
    if action in protocol.BY_ID:
        spec.target_id = parts[2]
    else:
        spec.target_number, spec.target_iso = parts[2], parts[3]
    return spec
