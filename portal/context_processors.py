from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "APP_STORE_URL": settings.APP_STORE_URL}
