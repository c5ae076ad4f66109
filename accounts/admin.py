import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin  # also registers the stock User admin, replaced below
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import notify, token_crypto
from accounts.forms import HostField, ReasonForm
from accounts.models import ApiToken, Reach, TokenEvent, TokenStateError
from accounts.templatetags.tokens import event_detail, host_display
from lib.admin import ReadOnlyAdminMixin, mode_filter
from lib.client_ip import client_ip
from lib.countries import by_code

# How staff may paste a masked token: "cbn_…AbCd" or "cbn_...AbCd".
MASKED = re.compile(r"^(?P<prefix>[A-Za-z0-9_]{1,8})(?:…|\.\.\.)(?P<last4>[A-Za-z0-9]{4})$")
# Hidden field of the change page's state buttons: return there rather than to the list.
SINGLE_FIELD = "_single"


class ApiTokenAdminForm(forms.ModelForm):
    host = HostField()

    class Meta:
        model = ApiToken
        fields = ["name", "host", "rate_limit_per_minute", "expires_at"]


class StateFilter(admin.SimpleListFilter):
    """The state a developer sees: "expired" is an active token past its expiry, not a stored state."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ApiToken.State.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        expired = Q(state=ApiToken.State.ACTIVE, expires_at__lte=timezone.now())
        if value == ApiToken.State.EXPIRED:
            return queryset.filter(expired)
        if value == ApiToken.State.ACTIVE:
            return queryset.active()
        return queryset.filter(state=value)


class TokenEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TokenEvent
    fields = ["created_at", "kind", "actor_label", "ip", "detail_shown"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]

    @admin.display(description=gettext_lazy("detail"))
    def detail_shown(self, event):
        return event_detail(event)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenAdminForm
    # Fits 1280 px beside the admin's navigation: the masked token under the name, the creation date in the
    # date hierarchy above the list.
    list_display = ["name_and_token", "owner_email", "host_shown", "state_badge", "last_used_at"]
    list_filter = [mode_filter("is_test"), StateFilter, "restriction", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["owner__email", "host", "name", "=last4"]
    search_help_text = gettext_lazy(
        "Owner email, host, name, the last four characters, a masked token (cbn_…AbCd) or a whole token."
    )
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["owner_link", "name", "host", "masked", "state", "state_reason"]}),
        (gettext_lazy("Limits"), {"fields": ["rate_limit_per_minute", "expires_at"]}),
        # Set by the developer on the token's page (each change in its activity log), shown here.
        (
            gettext_lazy("Who may call"),
            {"fields": ["restriction", "allowed_addresses", "allowed_callback_numbers"]},
        ),
        (
            gettext_lazy("Use"),
            {"fields": ["created_at", "updated_at", "last_used_at", "last_used_ip", "previous_valid_until"]},
        ),
    ]
    readonly_fields = [
        "owner_link",
        "masked",
        "restriction",
        "allowed_addresses",
        "allowed_callback_numbers",
        "state",
        "state_reason",
        "created_at",
        "updated_at",
        "last_used_at",
        "last_used_ip",
        "previous_valid_until",
    ]
    inlines = [TokenEventInline]
    actions = ["approve", "reject", "suspend", "reactivate", "revoke"]
    change_form_template = "admin/accounts/apitoken/change_form.html"

    class Media:
        css = {"all": ["accounts/admin.css"]}

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def name_and_token(self, token):
        return format_html('{}<br><code class="masked-token">{}</code>', token.name, token.masked)

    @admin.display(description=gettext_lazy("host"), ordering="host")
    def host_shown(self, token):
        return host_display(token.host)

    @admin.display(description=gettext_lazy("owner"), ordering="owner__email")
    def owner_email(self, token):
        return token.owner.email

    @admin.display(description=gettext_lazy("owner"))
    def owner_link(self, token):
        url = reverse("admin:auth_user_change", args=[token.owner_id])
        return format_html('<a href="{}">{}</a>', url, token.owner.email or token.owner)

    @admin.display(description=gettext_lazy("token"))
    def masked(self, token):
        return token.masked

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, token):
        return token.effective_state.label

    def has_add_permission(self, request):
        return False  # tokens are issued by their developer or `manage.py issue_token`, which show the secret once

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps every token

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_closed:
            return [*self.readonly_fields, "name", "host", "rate_limit_per_minute", "expires_at"]
        return self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        masked = MASKED.match(term)
        if masked:
            return queryset.filter(prefix=masked["prefix"], last4=masked["last4"]), False
        if token_crypto.looks_like_token(term):
            hashed = token_crypto.digest(term)
            return queryset.filter(Q(digest=hashed) | Q(previous_digest=hashed)), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        """Name, host and rate limit change through the domain methods, so that the audit log names the staff member
        (and the developer hears of a new rate limit, as of every other staff decision)."""
        stored = ApiToken.objects.get(pk=obj.pk)
        actor = {"actor": request.user, "ip": client_ip(request)}
        if "name" in form.changed_data:
            stored.rename(obj.name, **actor)
        if "host" in form.changed_data:
            stored.change_host(obj.host, **actor)
        if stored.set_rate_limit(obj.rate_limit_per_minute, **actor):
            notify.rate_limit_changed_by_staff(request, stored)
        stored.expires_at = obj.expires_at
        stored.save(update_fields=["expires_at", "updated_at"])

    # ---- state changes, for one token (buttons on its page) or many (the list's actions) --------------

    def _change_state(self, request, queryset, change, done_message):
        actor = {"actor": request.user, "ip": client_ip(request)}
        done = skipped = 0
        for token in queryset:
            try:
                change(token, actor)
            except TokenStateError:
                skipped += 1
            else:
                done += 1
                notify.state_changed_by_staff(request, token)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                _("%(count)d token(s) skipped: their state does not allow this.") % {"count": skipped},
                messages.WARNING,
            )
        if request.POST.get(SINGLE_FIELD) and len(queryset) == 1:
            return HttpResponseRedirect(reverse("admin:accounts_apitoken_change", args=[queryset[0].pk]))
        return None

    def _with_reason(self, request, queryset, required, title, change, done_message):
        """Asks for a reason on an intermediate page, then changes the state of every selected token."""
        form = ReasonForm(request.POST if "apply_reason" in request.POST else None, required=required)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            return self._change_state(request, queryset, lambda t, actor: change(t, reason, actor), done_message)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "tokens": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "single": request.POST.get(SINGLE_FIELD, ""),
            "single_field": SINGLE_FIELD,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/reason.html", context)

    @admin.action(description=gettext_lazy("Approve selected tokens"), permissions=["change"])
    def approve(self, request, queryset):
        return self._change_state(
            request, queryset, lambda t, actor: t.approve(**actor), _("%(count)d token(s) approved.")
        )

    @admin.action(description=gettext_lazy("Reject selected tokens, with a reason…"), permissions=["change"])
    def reject(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            True,
            _("Reject tokens"),
            lambda t, reason, actor: t.reject(reason, **actor),
            _("%(count)d token(s) rejected."),
        )

    @admin.action(description=gettext_lazy("Suspend selected tokens…"), permissions=["change"])
    def suspend(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            False,
            _("Suspend tokens"),
            lambda t, reason, actor: t.suspend(reason, **actor),
            _("%(count)d token(s) suspended."),
        )

    @admin.action(description=gettext_lazy("Reactivate selected tokens"), permissions=["change"])
    def reactivate(self, request, queryset):
        return self._change_state(
            request, queryset, lambda t, actor: t.reactivate(**actor), _("%(count)d token(s) reactivated.")
        )

    @admin.action(description=gettext_lazy("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        return self._change_state(
            request, queryset, lambda t, actor: t.revoke(**actor), _("%(count)d token(s) revoked.")
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["state_actions"] = self._state_actions(obj) if obj is not None else []
        context["single_field"] = SINGLE_FIELD
        context["action_checkbox_name"] = ACTION_CHECKBOX_NAME
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _state_actions(self, token):
        """The state buttons that make sense for this token: (action name, label, is dangerous)."""
        State = ApiToken.State
        offered = {
            State.PENDING: [("approve", _("Approve"), False), ("reject", _("Reject…"), True)],
            State.ACTIVE: [("suspend", _("Suspend…"), True)],
            State.SUSPENDED: [("reactivate", _("Reactivate"), False)],
        }.get(token.state, [])
        if token.is_live:
            offered.append(("revoke", _("Revoke"), True))
        return offered


@admin.register(TokenEvent)
class TokenEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: staff read all of it; nobody adds, changes or deletes an event."""

    list_display = ["created_at", "kind", "token", "token_owner", "actor_label", "ip", "detail_shown"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["token", "token__owner"]
    search_fields = [
        "token__name",
        "token__host",
        "token__owner__email",
        "actor_label",
        "ip",
        *(f"data__{key}" for key in ["host", "old_host", "new_host", "old_name", "new_name", "reason", "text"]),
    ]
    fields = ["created_at", "kind", "token", "actor", "actor_label", "ip", "detail_shown"]
    readonly_fields = ["detail_shown"]
    date_hierarchy = "created_at"
    actions = None

    @admin.display(description=gettext_lazy("owner"), ordering="token__owner__email")
    def token_owner(self, event):
        return event.token.owner.email

    @admin.display(description=gettext_lazy("detail"))
    def detail_shown(self, event):
        return event_detail(event)


class ApiTokenInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApiToken
    fields = ["name", "host", "masked", "state", "created_at", "last_used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=gettext_lazy("token"))
    def masked(self, token):
        return token.masked


class ReachForm(forms.ModelForm):
    countries = forms.CharField(
        label=gettext_lazy("countries"),
        required=False,
        help_text=gettext_lazy("ISO 3166 codes separated by commas, such as KR, JP. Ignored with every country."),
    )

    class Meta:
        model = Reach
        fields = ["every_country", "countries"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["countries"] = ", ".join(self.instance.countries or [])

    def clean_countries(self):
        codes = [code.strip().upper() for code in self.cleaned_data["countries"].split(",") if code.strip()]
        unknown = [code for code in codes if by_code(code) is None]
        if unknown:
            raise forms.ValidationError(
                gettext_lazy("Not a country code: %(codes)s"), params={"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(codes))


class ReachInline(admin.StackedInline):
    """The countries a developer's live tokens reach: none of its own (no row) is every country."""

    model = Reach
    form = ReachForm
    can_delete = False
    max_num = 1
    verbose_name_plural = gettext_lazy("target countries (none set: every country)")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DeveloperAdmin(UserAdmin):
    """Developers with their tokens: a count linking to their list, and the tokens themselves on each page."""

    inlines = [*UserAdmin.inlines, ReachInline, ApiTokenInline]
    list_display = ["email", "username", "tokens", "is_staff", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(token_count=Count("api_tokens"))

    @admin.display(description=gettext_lazy("tokens"), ordering="token_count")
    def tokens(self, user):
        if not user.token_count:
            return "0"
        url = reverse("admin:accounts_apitoken_changelist") + f"?owner__id__exact={user.pk}"
        return format_html('<a href="{}">{}</a>', url, user.token_count)
