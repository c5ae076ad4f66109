from django.urls import path

from apitester import views

app_name = "apitester"
urlpatterns = [
    path("", views.tester, name="tester"),
    path("history/<int:pk>/resend/", views.resend, name="resend"),
    path("history/clear/", views.clear_history, name="clear_history"),
    path("call-requests/<str:call_request_id>.json", views.call_request_state, name="call_request_state"),
    path("call-requests/<str:call_request_id>/status/", views.check_status, name="check_status"),
]
