from django.urls import path, re_path

from api import dashboard, protocol, views

app_name = "api"
urlpatterns = [
    path("tokens/<int:pk>/log/", dashboard.token_log, name="token_log"),
    path("tokens/<int:pk>/log/export.csv", dashboard.log_export, name="log_export"),
    path("tokens/<int:pk>/log/<int:entry_pk>/", dashboard.log_entry, name="log_entry"),
    path("usage/", dashboard.usage, name="usage"),
    re_path(protocol.POST_ROUTE, views.encrypted_call, name="encrypted_call"),
    # Any other path of two parts or more is an API call: /<token>/<action>/<parameters…> (parts may be empty).
    re_path(r"^(?P<token>[^/]*)/(?P<action>[^/]+|(?=/))(?:/(?P<params>[\s\S]*))?$", views.path_call, name="path_call"),
]
