"""Start-up checks of the API's settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_api_paths(app_configs, **kwargs):
    """settings.API_PATH_PATTERNS, which the HTTPS redirect exempts, is a copy of api.routing's (settings import no
    app): a copy that falls behind would redirect the seed's plain-http clients, who do not follow redirects."""
    from api.routing import API_PATH_PATTERNS  # it imports the views: not before the apps are ready

    if tuple(getattr(settings, "API_PATH_PATTERNS", ())) == API_PATH_PATTERNS:
        return []
    return [
        Error(
            "settings.API_PATH_PATTERNS differs from the API's paths (api.routing.API_PATH_PATTERNS).",
            hint=f"Set API_PATH_PATTERNS = {API_PATH_PATTERNS!r} in the settings.",
            id="api.E001",
        )
    ]
