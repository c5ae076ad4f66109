from django.urls import path

from docs import views

urlpatterns = [
    path("", views.home, name="home"),
    path("openapi.json", views.openapi_document, name="openapi"),
    path("reference/", views.reference, name="reference"),
    path("examples/jsonp/", views.jsonp_example, name="jsonp_example"),
]
