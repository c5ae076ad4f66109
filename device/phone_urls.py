"""The virtual phone page: the device API's reference client, at /phone/."""

app_name = "phone"
urlpatterns: list = []
