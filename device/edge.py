"""The ASGI front of the server processes that hold phones' connections (portal.asgi, the production layout).

Django's ASGI handler runs each request's middleware and signals on a thread of that request's own, kept until
the request ends: a phone waiting 25 s, or streaming for hours, would hold one. The device API's two waiting
calls (HELD) are answered here instead: the request is built and the view (async, see device.views) awaited on
the event loop, with its database work on the process's small pool (device.held.in_thread) and its waiting on
a notification (device.hub). So a held connection costs a few kilobytes of memory and no thread. Any other
request goes to Django's handler as usual.
"""

import asyncio
import io
import logging

from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest

from device import held, reasons, views
from device.auth import DeviceApiError, failure
from lib.deadlines import waited

# A phone's patience with a held connection: nginx reads a long poll's answer for 45 s, its wait is at most 30 s,
# and a long poll's wait is shortened by its time in the queue. Past this it has given up or is about to: the
# request is not started (its deliveries would go to no one).
QUEUE_PATIENCE_SECONDS = 15
log = logging.getLogger(__name__)

HELD = {"/device/v1/call-requests": views.call_requests, "/device/v1/events": views.events}


def with_held_connections(django_application):
    async def application(scope, receive, send):
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        view = HELD.get(scope.get("path")) if scope["type"] == "http" and scope.get("method") == "GET" else None
        if view is None or not _host_allowed(scope):  # Django answers a host not in ALLOWED_HOSTS (400)
            return await django_application(scope, receive, send)
        return await _answer(view, scope, receive, send)

    return application


def _host_allowed(scope):
    try:
        ASGIRequest(scope, io.BytesIO()).get_host()
    except DisallowedHost:
        return False
    return True


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _answer(view, scope, receive, send):
    while (message := await receive())["type"] == "http.request" and message.get("more_body"):
        pass  # a GET's body, if any, is not read
    if message["type"] == "http.disconnect":
        return
    request = ASGIRequest(scope, io.BytesIO())
    on_edge = held.on_edge.set(True)
    try:
        queued = waited(request.META)
        if queued > QUEUE_PATIENCE_SECONDS:  # as portal.middleware's stale requests, with a phone's patience
            log.warning("%s refused unstarted: it waited %.1f s in a queue", scope["path"], queued)
            response = failure(DeviceApiError(reasons.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"}))
        else:
            request.queued_seconds = queued  # a long poll's wait is shortened by as much (device.views)
            response = await view(request)
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()],
            }
        )
        if response.streaming:
            await _stream(response, receive, send)
        else:
            await send({"type": "http.response.body", "body": response.content})
    finally:
        held.on_edge.reset(on_edge)


async def _stream(response, receive, send):
    """Sends the stream's chunks until it ends or the phone hangs up, whichever comes first."""

    async def pump():
        async for chunk in response:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def hang_up():
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = [asyncio.create_task(pump()), asyncio.create_task(hang_up())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await held.in_thread(response.close)
