from django.urls import path

from apitester import views

app_name = "apitester"
urlpatterns = [
    path("", views.tester, name="tester"),
]
