from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("tokens/<int:pk>/webhooks/", views.endpoint_list, name="endpoint_list"),
    path("tokens/<int:pk>/webhooks/add/", views.endpoint_add, name="endpoint_add"),
    path("webhooks/<str:endpoint_id>/", views.endpoint_detail, name="endpoint_detail"),
    path("webhooks/<str:endpoint_id>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("webhooks/<str:endpoint_id>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("webhooks/<str:endpoint_id>/secret/", views.secret_reveal, name="secret_reveal"),
    path("webhooks/<str:endpoint_id>/secret/new/", views.secret_issued, name="secret_issued"),
    path("webhooks/<str:endpoint_id>/secret/roll/", views.secret_roll, name="secret_roll"),
    path("webhooks/<str:endpoint_id>/test/", views.send_test, name="send_test"),
    path("webhooks/<str:endpoint_id>/log/", views.delivery_log, name="delivery_log"),
    path("webhooks/<str:endpoint_id>/log/resend-failed/", views.resend_failed, name="resend_failed"),
    path("webhooks/<str:endpoint_id>/log/<str:message_id>/resend/", views.resend_event, name="resend_event"),
]
