"""How the device API authenticates the app (its device key as a Bearer token) and answers, whatever happens."""

import asyncio
import json
import logging
from functools import wraps

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from accounts import token_crypto
from device import reasons
from device.models import DeviceKey, looks_like_key
from lib.outage import OUTAGE_ERRORS

log = logging.getLogger(__name__)

CHALLENGE = 'Bearer realm="CallbackNow device API"'


class DeviceApiError(Exception):
    """Ends a device API call with a failure answer: one of device.reasons, or a text of that status."""

    def __init__(self, reason, text=None, headers=None):
        self.status, self.text = reason.status, text or reason.text
        self.headers = headers or {}
        super().__init__(self.text)


def device_api(*methods, tickets=False):
    """Admits a call of the device API: one of these methods, then a device key (request.device_key,
    request.subscriber) from the Authorization header, or (tickets) from an event stream's ?ticket=. The view, sync
    or async, returns the success payload, or a response of its own, or raises DeviceApiError; a database or cache
    outage, or a bug, is answered 503 "service unavailable": never a 500 or an HTML page.
    """

    def decorate(view):
        if asyncio.iscoroutinefunction(view):

            @wraps(view)
            async def async_wrapper(request, *args, **kwargs):
                try:
                    allow(request, methods)
                    await authenticate_held(request, tickets)
                    return respond(await view(request, *args, **kwargs))
                except Exception as exc:
                    return answer_failure(exc)

            return csrf_exempt(async_wrapper)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                allow(request, methods)
                authenticate(request, tickets)
                return respond(view(request, *args, **kwargs))
            except Exception as exc:
                return answer_failure(exc)

        return csrf_exempt(wrapper)

    return decorate


def allow(request, methods):
    if request.method not in methods:
        raise DeviceApiError(reasons.METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(methods)})


def answer_failure(exc):
    if isinstance(exc, DeviceApiError):
        return failure(exc)
    if isinstance(exc, OUTAGE_ERRORS):  # one line per call: an outage would otherwise log a traceback each
        log.warning("device API call answered 'service unavailable': %s: %s", type(exc).__name__, exc)
    else:
        log.error("device API call failed", exc_info=exc)
    return failure(DeviceApiError(reasons.SERVICE_UNAVAILABLE))


def authenticate(request, tickets=False):
    """Attaches the caller's device key and its subscriber to the request, or raises DeviceApiError (401)."""
    plaintext = bearer_credentials(request)
    if not plaintext and tickets and "ticket" in request.GET:
        key = DeviceKey.objects.from_ticket(request.GET["ticket"])
        if key is None:
            raise DeviceApiError(reasons.BAD_TICKET)
    elif not plaintext:
        raise DeviceApiError(reasons.MISSING_KEY, headers={"WWW-Authenticate": CHALLENGE})
    else:
        key = DeviceKey.objects.lookup(plaintext)
        if key is None:
            raise DeviceApiError(reasons.UNKNOWN_KEY, headers={"WWW-Authenticate": CHALLENGE})
    if not key.is_active:
        raise DeviceApiError(reasons.REVOKED_KEY, headers={"WWW-Authenticate": CHALLENGE})
    if not key.subscriber.active:
        raise DeviceApiError(reasons.INACTIVE_SUBSCRIBER, headers={"WWW-Authenticate": CHALLENGE})
    key.record_use()
    request.device_key, request.subscriber = key, key.subscriber


async def authenticate_held(request, tickets):
    """authenticate() for a held connection: its key and subscriber kept in the process's memory (device.hub)
    until the key is revoked or the subscriber changes, so that an idle phone's next wait makes no query (on
    the phone servers, device.edge)."""
    from device.held import in_thread, on_edge
    from device.hub import HUB

    plaintext = bearer_credentials(request)
    name = f"key:{token_crypto.digest(plaintext)}" if looks_like_key(plaintext) and on_edge.get() else None
    found = HUB.recall(name) if name else None
    if found is not None:
        request.device_key, request.subscriber = found
        return
    generation = HUB.generation
    await in_thread(authenticate, request, tickets)
    if name:
        topics = {f"k:{request.device_key.pk}", f"a:{request.subscriber.pk}"}
        HUB.remember(name, (request.device_key, request.subscriber), topics, generation)


def bearer_credentials(request):
    """The credentials of an `Authorization: Bearer …` header (the scheme in any letter case), or ""."""
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def respond(payload, status=200, headers=None):
    """JSON in UTF-8 (Korean messages stay readable), never cached; a view's own response as it is."""
    if isinstance(payload, HttpResponseBase):
        return payload
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def failure(error):
    return respond({"reason": error.text}, error.status, error.headers)
