from django.urls import path

from api import dashboard, routing

app_name = "api"
urlpatterns = [
    path("tokens/<int:pk>/log/", dashboard.token_log, name="token_log"),
    path("tokens/<int:pk>/log/export.csv", dashboard.log_export, name="log_export"),
    path("tokens/<int:pk>/log/<int:entry_pk>/", dashboard.log_entry, name="log_entry"),
    path("usage/", dashboard.usage, name="usage"),
    *routing.CALL_ROUTES,  # last, as the root URLconf includes api.urls: the pages' routes come first
]
