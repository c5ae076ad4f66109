import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from redis.exceptions import RedisError

from api import reasons
from api.decorators import failure
from api.protocol import JSONP_PARAMETER
from api.routing import call_match
from api.wire import is_valid_callback_name, json_body, jsonp_body
from device import reasons as device_reasons
from device.push import providers
from lib.deadlines import waited
from lib.outage import OUTAGE_ERRORS

log = logging.getLogger(__name__)

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers the load balancer's GET /healthz: 200 while the database answers, 503 otherwise.

    The cache's outage does not stop the API (its rate limits are then counted per process), so it is
    reported as "degraded" with a 200: a balancer must not take every machine out for it. "push" says which push
    channels have their credentials (an "off" one wakes no phone; it does not make the machine unhealthy).
    It sits first in MIDDLEWARE because balancers probe each machine by its address over plain HTTP:
    the probe must pass neither the ALLOWED_HOSTS check nor the HTTPS redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_CHECK_PATH:
            return self.get_response(request)
        checks = {"database": database_answers(), "cache": cache_answers()}
        if not checks["database"]:
            status = "unavailable"
        else:
            status = "ok" if checks["cache"] else "degraded"
        body = {"status": status}
        body.update({name: "ok" if up else "unavailable" for name, up in checks.items()})
        body["push"] = {channel: "on" if on else "off" for channel, on in providers.channels().items()}
        response = JsonResponse(body, status=503 if status == "unavailable" else 200)
        response["Cache-Control"] = "no-store"
        return response


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError as exc:  # one line, not a traceback: a balancer probes every few seconds
        log.warning("Health check: the database does not answer: %s", exc)
        return False


def cache_answers():
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except RedisError as exc:  # Django's Redis cache lets the client's errors through unwrapped
        log.warning("Health check: the cache does not answer: %s", exc)
        return False


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header from settings to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def service_unavailable(request):
    """The page shown while PostgreSQL or Redis does not answer: 503, in the visitor's language.

    Standalone (no layout, no context processors): rendering must not touch the service that is down.
    """
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class ServiceOutageMiddleware:
    """Turns a backing-service outage in a page's view into the 503 page instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            log.warning("%s %s: service unavailable: %s", request.method, request.path_info, exception)
            return service_unavailable(request)
        return None


class StaleRequestMiddleware:
    """Refuses, before any work, a request that waited in a queue (nginx's, the server's backlog) longer than
    REQUEST_QUEUE_TIMEOUT_SECONDS: its caller has given up or is about to, and a call started now could be done
    after its caller was told it failed. Answered 503 in the interface's own shape: the API's JSON failure
    "service unavailable" (nothing was done; not logged, as no database is touched; a JSONP call with a valid
    callback gets it wrapped, with 200, as the API answers its own failures), the device API's JSON, else
    the outage page. The time comes from nginx's X-Request-Start (lib.deadlines); without it nothing is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = waited(request.META)
        if seconds <= settings.REQUEST_QUEUE_TIMEOUT_SECONDS:
            return self.get_response(request)
        log.warning("%s refused unstarted: it waited %.1f s in a queue", request.method, seconds)
        return stale_answer(request)


def stale_answer(request):
    callback = request.GET.get(JSONP_PARAMETER) if request.method == "GET" else None
    if call_match(request.path_info) is not None and is_valid_callback_name(callback):
        # JSONP, as the API answers its own failures: a script tag cannot read a status, so 200 and the wrapper.
        body, _status = failure(reasons.SERVICE_UNAVAILABLE)
        response = HttpResponse(jsonp_body(callback, body), content_type="application/javascript; charset=utf-8")
    elif call_match(request.path_info) is not None:  # a bad callback name is never reflected: plain JSON
        body, status = failure(reasons.SERVICE_UNAVAILABLE)
        response = HttpResponse(json_body(body), status=status, content_type="application/json; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
    elif request.path_info.startswith("/device/"):
        response = JsonResponse({"reason": device_reasons.SERVICE_UNAVAILABLE.text}, status=503)
    else:  # before LocaleMiddleware: the visitor's language read here (cookie, Accept-Language)
        with translation.override(translation.get_language_from_request(request)):
            return service_unavailable(request)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response
