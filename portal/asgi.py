"""The ASGI application of the production layout's phone servers (scripts/serve-production.sh): the device API's
waiting calls held on the event loop (device.edge), anything else through Django's ASGI handler."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_asgi_application()

from device.edge import with_held_connections  # noqa: E402 (needs the apps loaded)

application = with_held_connections(django_application)
