from django.contrib import admin

from .models import AgentPresence, ChatSession


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnly):
    list_display = ["visitor_name", "visitor_email", "department", "agent", "status", "rating",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "department", "rating"]
    search_fields = ["visitor_name", "visitor_email"]
    list_select_related = ["department", "agent"]
    readonly_fields = ["token", "ticket"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "updated_at"]
    list_filter = ["status"]
