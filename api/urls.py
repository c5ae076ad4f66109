from django.urls import re_path

from api import views

app_name = "api"
urlpatterns = [
    re_path(r"^callback/callback_api\.php/?$", views.encrypted_call, name="encrypted_call"),
    # Any other path of two parts or more is an API call: /<token>/<action>/<parameters…>
    re_path(r"^(?P<token>[^/]+)/(?P<action>[^/]+)(?:/(?P<params>[\s\S]*))?$", views.path_call, name="path_call"),
]
