"""Admin classes that every app's configuration shares."""

from django.contrib import admin


class ConfigurationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_pt_br", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_pt_br"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
