"""Deploy checks of the pushes: a channel without its credentials sends nothing, so a phone whose app sleeps on
that platform learns of a call request only when it opens the app."""

from django.conf import settings
from django.core.checks import Warning, register

from device.push import providers

SETTINGS = {
    "fcm": "PUSH_FCM_SERVICE_ACCOUNT_FILE",
    "apns": "PUSH_APNS_KEY_FILE, PUSH_APNS_KEY_ID, PUSH_APNS_TEAM_ID and PUSH_APNS_TOPIC",
    "webpush": "PUSH_VAPID_PRIVATE_KEY_FILE and PUSH_VAPID_SUBJECT",
}
PLATFORMS = {"fcm": "Android phones (FCM)", "apns": "iPhones (APNs)", "webpush": "browsers (Web Push)"}


@register(deploy=True)
def check_push_channels(app_configs, **kwargs):
    return [
        Warning(
            f"The {channel} push channel is off: {PLATFORMS[channel]} whose app sleeps are not woken by a call request.",
            hint=f"Set {SETTINGS[channel]} (README, Configuration), or name {channel} in PUSH_CHANNELS_OFF if it is "
            "off on purpose.",
            id=f"device.W00{number}",
        )
        for number, (channel, on) in enumerate(providers.channels().items(), start=1)
        if not on and channel not in settings.PUSH_CHANNELS_OFF
    ]
