"""Read-only lists for staff: the developers' endpoints (never their secrets), the events and their deliveries."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdminMixin, mode_filter
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["url", "token", "enabled", "disabled_because", "failing_since", "created_at"]
    list_filter = [mode_filter("token__is_test"), "enabled", "disabled_because"]
    search_fields = ["url", "public_id", "token__name", "token__owner__email"]
    list_select_related = ["token"]
    # The secret's fields are left out: staff see the masked form, as its developer does.
    fields = ["public_id", "token", "url", "events", "enabled", "disabled_because", "failing_since", "signing_secret"]
    readonly_fields = fields

    @admin.display(description=_("signing secret"))
    def signing_secret(self, endpoint):
        return endpoint.masked_secret


class WebhookDeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookDelivery
    fields = ["endpoint", "state", "attempt_count", "next_attempt_at", "delivered_at"]
    readonly_fields = fields
    extra = 0


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["public_id", "type", "token", "created_at", "dispatched_at"]
    list_filter = [mode_filter("token__is_test"), "type"]
    search_fields = ["public_id", "token__name", "subject"]
    list_select_related = ["token"]
    fields = ["public_id", "type", "token", "subject", "created_at", "dispatched_at", "body"]
    readonly_fields = fields
    date_hierarchy = "created_at"
    inlines = [WebhookDeliveryInline]


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    fields = ["started_at", "status", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields
    extra = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "endpoint", "state", "attempt_count", "next_attempt_at", "delivered_at"]
    list_filter = [mode_filter("endpoint__token__is_test"), "state"]
    search_fields = ["event__public_id", "endpoint__url", "endpoint__public_id"]
    list_select_related = ["event", "endpoint"]
    fields = ["event", "endpoint", "state", "attempt_count", "next_attempt_at", "delivered_at", "created_at"]
    readonly_fields = fields
    date_hierarchy = "created_at"
    inlines = [WebhookAttemptInline]
