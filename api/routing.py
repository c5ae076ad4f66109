"""The Open API at the root of the site, as in the seed: which paths are its calls, and how they reach their views.

A GET call is /<token>/<action>/<parameters…>: a path whose second segment is one of the API's actions (whatever
the first), or whose first segment has a token's length (an unknown action is then the API's JSON "unknown
action"). The POST is /callback/callback_api.php. Every other path is the portal's, its pages or its 404.

The calls skip the middleware that only pages need (ApiRoutingMiddleware); the HTTPS redirect exempts their paths
(settings.API_PATH_PATTERNS, a copy of API_PATH_PATTERNS that api.checks compares); the log's redaction reads which
first segments are the pages' (url_vocabulary).
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import Resolver404, URLResolver, get_resolver, re_path, resolve
from django.urls.resolvers import RegexPattern

from accounts.token_crypto import TOKEN_LENGTH
from api import views
from api.protocol import GET_ACTIONS, POST_PATH

POST_ROUTE = "^" + re.escape(POST_PATH.lstrip("/")) + "/?$"
# The paths of the GET actions and of the POST (no leading "/"): the calls that skip the pages' middleware.
API_PATH_PATTERNS = (rf"^[^/]+/({'|'.join(GET_ACTIONS)})(/|$)", POST_ROUTE)
_PARAMS = r"(?:/(?P<params>[\s\S]*))?$"  # the rest of the path, "/" included (a message may hold one)

CALL_ROUTES = [
    re_path(POST_ROUTE, views.encrypted_call, name="encrypted_call"),
    # Parts may be empty: the API answers them "missing parameter" or "unknown token".
    re_path(rf"^(?P<token>[^/]*)/(?P<action>{'|'.join(GET_ACTIONS)}){_PARAMS}", views.path_call, name="path_call"),
    re_path(rf"^(?P<token>[^/]{{{TOKEN_LENGTH}}})/(?P<action>[^/]+|(?=/)){_PARAMS}", views.path_call, name="path_call"),
]
_CALL_VIEWS = (views.path_call, views.encrypted_call)
_API_PATH = re.compile("|".join(f"(?:{pattern})" for pattern in API_PATH_PATTERNS))
_POST_PREFIX = POST_PATH.strip("/").split("/")[0]  # only the API's routes start with it


class ApiRoutingMiddleware:
    """Serves the Open API's calls straight from their views, past the middleware below it that pages need
    and the API does not: sessions, language, CSRF, users, messages, allauth, the outage page (the API
    answers an outage in its own JSON). What sits above it (the health check, HTTPS, CSP, static files)
    still applies, and so does ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = call_match(request.path_info)
        if match is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (answered 400) as CommonMiddleware would raise it
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)


def call_match(path_info):
    """The URL match of this path when it is a GET action's call or the POST, else None.

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
    return match if match.func in _CALL_VIEWS else None


@lru_cache(maxsize=1)
def call_resolver():
    """A resolver of the call routes alone, as the root URLconf includes them (at "")."""
    return URLResolver(RegexPattern(r"^/"), CALL_ROUTES)


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


def url_vocabulary():
    """(the first path segments of the portal's pages, the API's actions): what the log's redaction tells a page's
    path from a call's by (portal.logs)."""
    return page_prefixes(), frozenset(GET_ACTIONS)
