from django.contrib import admin

from .models import WeeklySummarySubscription


@admin.register(WeeklySummarySubscription)
class WeeklySummarySubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_week_sent"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = ["created_at", "last_week_sent"]
    autocomplete_fields = ["user"]
