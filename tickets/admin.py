from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import DepartmentMembership

from .models import (
    CannedReply,
    Category,
    Department,
    InboundEmail,
    MailboxStatus,
    OutboundEmail,
    PrintSettings,
    Priority,
    Product,
    ProgressLabel,
    Severity,
)


class ConfigurationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_pt_br", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_pt_br"]


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "email", "position", "is_active"]
    search_fields = ["name", "name_pt_br", "email"]
    inlines = [MembershipInline]


@admin.register(Category)
class CategoryAdmin(ConfigurationAdmin):
    list_display = [
        "name",
        "name_pt_br",
        "department",
        "requires_attachment",
        "position",
        "is_active",
    ]
    list_filter = ["is_active", "requires_attachment", "department"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]


@admin.register(Product)
class ProductAdmin(ConfigurationAdmin):
    pass


@admin.register(Priority)
class PriorityAdmin(ConfigurationAdmin):
    list_display = [
        "name",
        "name_pt_br",
        "first_response_hours",
        "resolution_hours",
        "is_default",
        "position",
        "is_active",
    ]


@admin.register(Severity)
class SeverityAdmin(ConfigurationAdmin):
    pass


@admin.register(ProgressLabel)
class ProgressLabelAdmin(ConfigurationAdmin):
    pass


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "owner"]
    list_filter = ["department"]
    list_select_related = ["department", "owner"]
    search_fields = ["title", "body_html"]
    autocomplete_fields = ["department", "owner"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "message_id"]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed mails again"))
    def send_again(self, request, queryset):
        from .outbox import retry_failed

        retry_failed(queryset.filter(status=OutboundEmail.Status.FAILED))


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "sender", "outcome", "ticket", "received_at"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket"]


@admin.register(MailboxStatus)
class MailboxStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "last_success_at", "messages_read", "last_error"]


@admin.register(PrintSettings)
class PrintSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "footer_text", "updated_at"]

    def has_add_permission(self, request):
        return not PrintSettings.objects.exists()
