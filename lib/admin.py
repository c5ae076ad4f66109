class ReadOnlyAdminMixin:
    """For records staff only read in the admin (audit log, request log, inline lists): no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
