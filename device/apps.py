from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviceConfig(AppConfig):
    name = "device"
    verbose_name = _("CallbackNow app devices")

    def ready(self):
        from api import changes, delivery_trace
        from device import checks  # noqa: F401  registers the deploy checks
        from device.models import DeliveryStep
        from device.push import triggers

        changes.listen_locally(triggers.on_change)
        delivery_trace.register(DeliveryStep.trace_of)
