from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AgentPresence, ChatSession


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnly):
    list_display = ["visitor_name", "visitor_email", "address_verified", "department", "agent",
                    "status", "rating", "created_at"]  # fmt: skip
    list_filter = ["status", "department", "rating"]
    search_fields = ["visitor_name", "visitor_email"]
    list_select_related = ["department", "agent"]
    readonly_fields = ["token", "ticket", "address_verified", "email_confirmed_at", "visitor"]

    @admin.display(boolean=True, description=_("address verified"))
    def address_verified(self, chat):
        """Logged in or confirmed; otherwise only typed by the visitor."""
        return chat.is_email_verified


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "updated_at"]
    list_filter = ["status"]
