"""The portal's URLs plus the bench's reference views (never in production URLs)."""

from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path

from accounts.models import ApiToken
from api.models import ApiRequestLog


def floor(request, digest):
    """The durable floor of an API call (bench/api_bench.py): read the caller by a unique index, log the call."""
    token = ApiToken.objects.filter(digest=digest).first()
    ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=0)
    return JsonResponse({"result": "success"})


def baseline(request, digest):
    """bench/load.py's baseline: the floor's read, and its write in a transaction of its own."""
    token = ApiToken.objects.filter(digest=digest).first()
    with transaction.atomic():
        ApiRequestLog.objects.create(token=token, transport="GET", result="success", status=200, duration_ms=0)
    return JsonResponse({"result": "success"})


urlpatterns = [
    path("bench/floor/<str:digest>/", floor),
    path("bench/baseline/<str:digest>/", baseline),
    path("", include("portal.urls")),
]
