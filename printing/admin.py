from django.contrib import admin

from .models import PrintSettings


@admin.register(PrintSettings)
class PrintSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "footer_text", "updated_at"]

    def has_add_permission(self, request):
        return not PrintSettings.objects.exists()
