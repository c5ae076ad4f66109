from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import token_crypto
from accounts.token_crypto import ShownSecret
from api.admin import SubscriberAdmin
from api.models import Subscriber
from device.models import DeliveryStep, DeviceKey, PushTarget, looks_like_key
from device.push import sending
from lib.admin import ReadOnlyAdminMixin

# What staff see of a key: never its digest; its text only once, on the page right after it is created.
SHOWN_FIELDS = [
    "subscriber",
    "name",
    "masked",
    "push_target",
    "last_pushes",
    "created_at",
    "created_by",
    "last_used_at",
    "revoked_at",
]


@admin.register(DeviceKey)
class DeviceKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "subscriber", "masked", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["subscriber", "created_by"]
    search_fields = ["name", "subscriber__number", "subscriber__public_id", "=last4"]
    search_help_text = gettext_lazy("Name, subscriber number or ID, the last four characters, or a whole key.")
    raw_id_fields = ["subscriber"]
    actions = ["revoke", "send_test_push"]

    @admin.display(description=gettext_lazy("key"))
    def masked(self, key):
        return key.masked

    def get_fields(self, request, obj=None):
        return ["subscriber", "name"] if obj is None else SHOWN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for name in SHOWN_FIELDS if name != "name"] if obj.is_active else SHOWN_FIELDS

    def get_search_results(self, request, queryset, search_term):
        if looks_like_key(search_term.strip()):
            return queryset.filter(digest=token_crypto.digest(search_term.strip())), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            request.device_key_shown = ShownSecret(obj.set_new_secret())
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The key's text, this once, on a page of its own: never in a message, which the session would keep."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Device key created"),
            "opts": self.model._meta,
            "key": obj,
            "shown": request.device_key_shown,
        }
        response = TemplateResponse(request, "admin/device/devicekey/issued.html", context)
        add_never_cache_headers(response)
        return response

    @admin.display(description=gettext_lazy("push target"))
    def push_target(self, key):
        return shown_push_target(key)

    @admin.display(description=gettext_lazy("last pushes"))
    def last_pushes(self, key):
        return shown_last_pushes(key, count=10)

    @admin.action(description=gettext_lazy("Send a test push to the selected device keys"), permissions=["change"])
    def send_test_push(self, request, queryset):
        for key in queryset:
            result = sending.test_push(key)
            if result is None:
                self.message_user(request, _("%(key)s: no push target.") % {"key": key}, messages.WARNING)
            elif result.outcome == "sent":
                text = _("%(key)s: test push accepted by the provider (%(answer)s).")
                self.message_user(request, text % {"key": key, "answer": result.answer}, messages.SUCCESS)
            else:
                text = _("%(key)s: test push not delivered: %(outcome)s, %(answer)s.")
                values = {"key": key, "outcome": result.outcome, "answer": result.answer or result.status}
                self.message_user(request, text % values, messages.ERROR)

    @admin.action(description=gettext_lazy("Revoke the selected device keys"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = sum(key.revoke() for key in queryset)
        if revoked:
            self.message_user(request, _("%(count)d device key(s) revoked.") % {"count": revoked}, messages.SUCCESS)
        if revoked < len(queryset):
            skipped = len(queryset) - revoked
            self.message_user(
                request, _("%(count)d device key(s) were already revoked.") % {"count": skipped}, messages.WARNING
            )


class DeviceKeyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeviceKey
    fields = ["name", "masked", "push_target", "last_pushes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    @admin.display(description=gettext_lazy("key"))
    def masked(self, key):
        return key.masked

    @admin.display(description=gettext_lazy("push target"))
    def push_target(self, key):
        return shown_push_target(key)

    @admin.display(description=gettext_lazy("last pushes"))
    def last_pushes(self, key):
        return shown_last_pushes(key)


def shown_push_target(key):
    target = PushTarget.objects.filter(device_key=key).first()
    return str(target) if target else "—"


def shown_last_pushes(key, count=3):
    """The key's last push attempts, newest first: channel, outcome, the provider's status, time."""
    steps = DeliveryStep.objects.filter(device_key=key).exclude(action="").order_by("-at", "-id")[:count]
    return (
        format_html_join(
            mark_safe("<br>"),
            "{} {} {} · {}",
            (
                (
                    step.get_path_display(),
                    step.outcome,
                    step.status or "",
                    localtime(step.at).strftime("%m-%d %H:%M:%S"),
                )
                for step in steps
            ),
        )
        or "—"
    )


admin.site.unregister(Subscriber)


@admin.register(Subscriber)
class SubscriberWithDeviceKeysAdmin(SubscriberAdmin):
    """The API's subscriber admin with their phones' device keys (api cannot know the device app)."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "new_device_key"] if obj is not None else fields

    def get_inlines(self, request, obj):
        return [*SubscriberAdmin.inlines, DeviceKeyInline] if obj is not None else SubscriberAdmin.inlines

    @admin.display(description=gettext_lazy("device key"))
    def new_device_key(self, subscriber):
        url = reverse("admin:device_devicekey_add") + f"?subscriber={subscriber.pk}"
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Create a device key for this subscriber"))
