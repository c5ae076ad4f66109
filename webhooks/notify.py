"""Mail about webhooks: an endpoint that failed for too long was disabled."""

from django.conf import settings
from django.urls import reverse

from accounts.notify import send_in_both_languages


def endpoint_disabled(endpoint):
    """Tells the token's developer, in Korean and English, that the endpoint was disabled and how to turn it on."""
    owner = endpoint.token.owner
    if not owner.email:
        return
    url = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("accounts:token_detail", args=[endpoint.token_id])
    send_in_both_languages("webhooks/mail/endpoint_disabled", {"endpoint": endpoint, "url": url}, [owner.email])
