from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from api.models import ApiRequestLog, CallRequest, Subscriber
from api.recipients import Block, SpamReport
from lib.admin import ReadOnlyAdminMixin, mode_filter


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["number", "country", "operator", "public_id", "active", "created_at"]
    list_filter = [mode_filter("is_test"), "active", "country", "operator"]
    search_fields = ["number", "public_id", "operator"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected subscribers (callers then get “not registered”)"))
    def deactivate(self, request, queryset):
        updated = queryset.deactivate()
        self.message_user(request, _("%(count)d subscribers deactivated.") % {"count": updated})


@admin.register(CallRequest)
class CallRequestAdmin(admin.ModelAdmin):
    list_display = ["requester_number", "target", "state", "message", "token", "updated_at", "expires_at"]
    list_filter = [mode_filter("target__is_test"), "state"]
    search_fields = ["requester_number", "target__number", "target__public_id"]
    list_select_related = ["target", "token"]
    raw_id_fields = ["target", "token"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by the API and pruned by `manage.py prune_api_log`."""

    list_display = [
        "created_at",
        "token",
        "action",
        "transport",
        "result",
        "reason",
        "status",
        "client_ip",
        "referer_host",
        "duration_ms",
    ]
    list_filter = [mode_filter("token__is_test"), "result", "transport", "action", "status"]
    search_fields = ["token__name", "token__host", "token__prefix", "client_ip", "referer_host", "reason"]
    list_select_related = ["token"]
    date_hierarchy = "created_at"


@admin.register(SpamReport)
class SpamReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Subscribers' spam reports, for staff reviewing a developer suspended by them (SPAM_REPORTS_TO_SUSPEND)."""

    list_display = ["created_at", "developer", "subscriber", "call_request"]
    list_filter = ["developer"]
    search_fields = ["developer__email", "subscriber__number"]
    list_select_related = ["developer", "subscriber", "call_request"]
    date_hierarchy = "created_at"


@admin.register(Block)
class BlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Subscribers' blocks, read-only: only the subscriber makes and undoes them."""

    list_display = ["created_at", "subscriber", "kind", "number", "developer", "label"]
    list_filter = ["kind"]
    search_fields = ["subscriber__number", "number", "developer__email"]
    list_select_related = ["subscriber", "developer"]
