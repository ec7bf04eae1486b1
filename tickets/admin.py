from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import DepartmentMembership

from .models import (
    AttendanceScript,
    AttendanceType,
    CannedReply,
    Category,
    Department,
    EmailTemplate,
    InboundEmail,
    MailboxStatus,
    OutboundEmail,
    PrintSettings,
    Priority,
    Product,
    ProgressLabel,
    ScriptOption,
    ScriptQuestion,
    ServiceOrder,
    ServicePlan,
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


# Guided attendance (S1): what administrators prepare for the agents.


@admin.register(ServicePlan)
class ServicePlanAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "department", "position", "is_active"]
    list_select_related = ["department"]


@admin.register(AttendanceType)
class AttendanceTypeAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "department", "agent", "position", "is_active"]
    list_select_related = ["department", "agent"]
    autocomplete_fields = ["agent"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "subject", "position", "is_active"]


class ScriptQuestionInline(admin.StackedInline):
    model = ScriptQuestion
    extra = 1
    show_change_link = True
    fields = ["position", "question", "client_explanation", "operator_explanation"]


@admin.register(AttendanceScript)
class AttendanceScriptAdmin(ConfigurationAdmin):
    inlines = [ScriptQuestionInline]


class ScriptOptionInline(admin.TabularInline):
    model = ScriptOption
    fk_name = "question"
    extra = 2

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An answer leads only to questions of the same script.
        if db_field.name == "next_question" and request.resolver_match.kwargs.get("object_id"):
            question = ScriptQuestion.objects.filter(
                id=request.resolver_match.kwargs["object_id"]
            ).first()
            if question is not None:
                kwargs["queryset"] = ScriptQuestion.objects.filter(script_id=question.script_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ScriptQuestion)
class ScriptQuestionAdmin(admin.ModelAdmin):
    """A question with its answer options, each leading to the next question or the end."""

    list_display = ["question", "script", "position"]
    list_filter = ["script"]
    list_select_related = ["script"]
    inlines = [ScriptOptionInline]


@admin.register(ServiceOrder)
class ServiceOrderAdmin(admin.ModelAdmin):
    list_display = ["ticket", "technician", "kind", "status", "starts_at", "ends_at"]
    list_filter = ["status", "kind", "technician"]
    list_select_related = ["ticket", "technician"]
    raw_id_fields = ["ticket", "created_by"]
