"""The portal's URLs plus the bench's baseline view: one indexed read and one write transaction."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path

from accounts.models import ApiToken
from api.models import ApiRequestLog


def baseline(request, digest):
    """What any useful Django view does at least: read a row by a unique index, write one row in a transaction."""
    token = ApiToken.objects.filter(digest=digest).first()
    with transaction.atomic():
        ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=0)
    return JsonResponse({"result": "success"})


urlpatterns = [
    path("bench/baseline/<str:digest>/", baseline),
    path("", include("portal.urls")),
]
