"""The device API that the CallbackNow app on a subscriber's phone calls: /device/v1/…"""

from django.urls import path, re_path

from device import controls, views

app_name = "device"
urlpatterns = [
    path("me", views.me, name="me"),
    path("push", views.push, name="push"),
    path("call-requests", views.call_requests, name="call_requests"),
    path("events", views.events, name="events"),
    path("events/tickets", views.event_tickets, name="event_tickets"),
    path("call-requests/<str:call_request_id>", views.call_request, name="call_request"),
    path("call-requests/<str:call_request_id>/seen", views.seen, name="seen"),
    path("call-requests/<str:call_request_id>/answer", views.answer, name="answer"),
    path("call-requests/<str:call_request_id>/decline", views.decline, name="decline"),
    path("call-requests/<str:call_request_id>/spam", controls.spam, name="spam"),
    path("blocks", controls.blocks, name="blocks"),
    path("blocks/<str:block_id>", controls.block, name="block"),
    path("quiet-hours", controls.quiet_hours, name="quiet_hours"),
    # JSON everywhere under /device/v1/, even for a path that does not exist.
    re_path(r"", views.unknown_path, name="unknown_path"),
]
