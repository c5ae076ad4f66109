from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from device import pages as device_pages
from portal.views import favicon

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CallbackNow"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("favicon.ico", favicon),
    path("sw.js", device_pages.service_worker, name="service_worker"),  # the virtual phone's, scoped to the site
    path("", include("docs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("tester/", include("apitester.urls")),
    path("device/v1/", include("device.urls")),
    path("phone/", include("device.phone_urls")),
    path("test-mode/", include("device.testmode_urls")),
    path("", include("accounts.urls")),
    path("", include("webhooks.urls")),
    # The Open API lives at the root of the site, as in the seed: keep it last.
    path("", include("api.urls")),
]
