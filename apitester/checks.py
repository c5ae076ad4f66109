from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def api_base_url_is_set(app_configs, **kwargs):
    """In production the test page sends only to API_BASE_URL: the Host header must never choose the address."""
    if settings.DEBUG or settings.API_BASE_URL:
        return []
    return [
        Warning(
            "API_BASE_URL is not set: the test page cannot send requests.",
            hint="Set API_BASE_URL to the address at which this machine reaches the Open API, e.g. the "
            "load balancer's internal address (https://developers.example.com).",
            id="apitester.W001",
        )
    ]
