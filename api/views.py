"""The Open API endpoints, at the root of the site as in the seed."""

import re
from functools import lru_cache

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern
from django.views.decorators.csrf import csrf_exempt

from api import actions, protocol, reasons
from api.actions import ApiError, CallSpec
from api.decorators import api_endpoint, token_in_path
from api.encrypted import call_spec, token_in_body
from api.wire import decode_path_message


@csrf_exempt  # the middleware checks the view the URL resolves to: a POST here must get the API's JSON 405
def path_call(request, token, action, params=None):
    """GET /<token>/<action>/<parameters…>[/][?callback=name]"""
    if action not in protocol.GET_ACTIONS and token in page_prefixes():
        raise Http404  # a mistyped address of one of the portal's pages: its HTML 404, not the API's JSON
    return api_call(request, token, action, params)


@api_endpoint("GET")
@token_in_path
def api_call(request, call, action, params=None):
    if action == protocol.STATUS:
        call.action = action
        return actions.status(call.token, status_id(params or "")), None
    spec = spec_from_path(action, params or "")
    call.action = spec.action
    return actions.perform(call.token, spec)


@api_endpoint("POST")
@token_in_body
def encrypted_call(request, call):
    """POST /callback/callback_api.php with the seed's PHP client's encrypted JSON body."""
    return actions.perform(call.token, call_spec(call.fields))


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


@lru_cache(maxsize=1)
def page_prefixes():
    """The first path segments of the site's other pages ("admin", "accounts", "tokens", …)."""
    prefixes = {settings.STATIC_URL.strip("/").split("/")[0]}

    def walk(patterns):
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver) and not route:
                walk(pattern.url_patterns)
            elif route and route[0] not in "(<[":
                prefixes.add(route.split("/")[0].replace("\\", ""))

    walk(get_resolver().url_patterns)
    return frozenset(prefixes - {""})


_API_PATH = re.compile("|".join(f"(?:{pattern})" for pattern in protocol.API_PATH_PATTERNS))


def call_match(path_info):
    """The URL match of this path when it is an API call (a GET action's path or the POST's), else None.

    A path under one of the portal's pages is resolved through the whole URLconf (the page's routes come first);
    any other is one of the API's call routes or none, and is resolved against those alone."""
    path = path_info.lstrip("/")
    if not _API_PATH.match(path):
        return None
    first = path.split("/", 1)[0]
    try:
        if first in page_prefixes() and first != _POST_PREFIX:
            match = resolve(path_info)
        else:
            match = call_resolver().resolve(path_info)
    except Resolver404:
        return None
    return match if match.func in (path_call, encrypted_call) else None


_POST_PREFIX = protocol.POST_PATH.strip("/").split("/")[0]  # only the API's routes start with it


@lru_cache(maxsize=1)
def call_resolver():
    """A resolver of api.urls' call routes alone, as the root URLconf includes them (at "")."""
    from api import urls

    calls = [pattern for pattern in urls.urlpatterns if pattern.callback in (path_call, encrypted_call)]
    return URLResolver(RegexPattern(r"^/"), calls)
