import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import RedisError

from device.push import providers
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
