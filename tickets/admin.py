from django.contrib import admin

from core.admin import ConfigurationAdmin, ReadOnlyAdmin

from .models import (
    CannedReply,
    Category,
    EmailTemplate,
    InboundEmail,
    Priority,
    Product,
    ProgressLabel,
    ServiceOrder,
    Severity,
)


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


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "sender", "outcome", "ticket", "received_at"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "subject", "position", "is_active"]


@admin.register(ServiceOrder)
class ServiceOrderAdmin(admin.ModelAdmin):
    list_display = ["ticket", "technician", "kind", "status", "starts_at", "ends_at"]
    list_filter = ["status", "kind", "technician"]
    list_select_related = ["ticket", "technician"]
    raw_id_fields = ["ticket", "created_by"]
