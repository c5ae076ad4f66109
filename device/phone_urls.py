"""The virtual phone page: the device API's reference client, at /phone/."""

from django.urls import path

from device import pages

app_name = "phone"
urlpatterns = [
    path("", pages.phone, name="phone"),
    path("forget/", pages.forget, name="forget"),
    path("requests/<str:call_request_id>/seen/", pages.seen, name="seen"),
    path("requests/<str:call_request_id>/answer/", pages.answer, name="answer"),
    path("requests/<str:call_request_id>/decline/", pages.decline, name="decline"),
    path("staff/subscribers/<int:subscriber_id>/", pages.staff_phone, name="staff_phone"),
]
