"""The device API that the CallbackNow app on a subscriber's phone calls: /device/v1/…"""

app_name = "device"
urlpatterns: list = []
