from django.urls import path

from apitester import views

app_name = "apitester"
urlpatterns = [
    path("", views.tester, name="tester"),
    path("history/<int:pk>/resend/", views.resend, name="resend"),
    path("history/clear/", views.clear_history, name="clear_history"),
]
