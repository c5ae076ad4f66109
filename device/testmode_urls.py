from django.urls import path

from device import testmode

app_name = "testmode"
urlpatterns = [
    path("", testmode.overview, name="overview"),
    path("phones/", testmode.create_phone, name="create_phone"),
    path("phones/<int:pk>/open/", testmode.open_phone, name="open_phone"),
    path("phones/<int:pk>/delete/", testmode.delete_phone, name="delete_phone"),
    path("clear/", testmode.clear, name="clear"),
]
