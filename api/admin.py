from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read only: a person creates and revokes their own tokens in their profile."""

    list_display = ["name", "user", "prefix", "can_write", "expires_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["can_write"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
