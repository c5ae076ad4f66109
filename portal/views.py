import sys

from django.http import HttpResponseServerError
from django.template.loader import render_to_string

from lib.outage import OUTAGE_ERRORS
from portal.middleware import service_unavailable


def server_error(request):
    """handler500: an outage of PostgreSQL or Redis anywhere in the request is a 503, not our fault."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return service_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))
