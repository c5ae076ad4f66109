class ReadOnlyAdminMixin:
    """For records staff only read in the admin (audit log, request log, inline lists): no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def mode_filter(path):
    """An admin list filter of test mode's two worlds, Live and Test, by the boolean field at `path` (such as
    "is_test" or "token__is_test")."""
    from django.contrib import admin
    from django.utils.translation import gettext_lazy as _

    class ModeFilter(admin.SimpleListFilter):
        title = _("mode")
        parameter_name = "mode"

        def lookups(self, request, model_admin):
            return [("live", _("Live")), ("test", _("Test"))]

        def queryset(self, request, queryset):
            if self.value() in ("live", "test"):
                return queryset.filter(**{path: self.value() == "test"})
            return queryset

    return ModeFilter
