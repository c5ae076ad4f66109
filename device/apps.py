from django.apps import AppConfig


class DeviceConfig(AppConfig):
    name = "device"
    verbose_name = "CallbackNow app devices"
