from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/apply/", views.token_apply, name="token_apply"),
    path("tokens/<int:pk>/", views.token_detail, name="token_detail"),
    path("tokens/<int:pk>/issued/", views.token_issued, name="token_issued"),
    path("tokens/<int:pk>/rename/", views.token_rename, name="token_rename"),
    path("tokens/<int:pk>/host/", views.token_change_host, name="token_change_host"),
    path("tokens/<int:pk>/restriction/", views.token_restrict, name="token_restrict"),
    path("tokens/<int:pk>/callback-numbers/", views.token_callback_numbers, name="token_callback_numbers"),
    path("tokens/<int:pk>/roll/", views.token_roll, name="token_roll"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("tokens/<int:pk>/reveal/", views.token_reveal, name="token_reveal"),
]
