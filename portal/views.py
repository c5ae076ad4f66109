import sys
from pathlib import Path

from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from lib.outage import OUTAGE_ERRORS
from portal.middleware import service_unavailable

FAVICON = (Path(__file__).parent / "favicon.ico").read_bytes()


def server_error(request):
    """handler500: an outage of PostgreSQL or Redis anywhere in the request is a 503, not our fault."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return service_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))


@require_safe
@cache_control(public=True, max_age=30 * 24 * 3600)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: answer with the icon, cached for a month."""
    return HttpResponse(FAVICON, content_type="image/x-icon")
