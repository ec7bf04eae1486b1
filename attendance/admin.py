from django.contrib import admin

from core.admin import ConfigurationAdmin

from .models import AttendanceScript, AttendanceType, ScriptOption, ScriptQuestion, ServicePlan


@admin.register(ServicePlan)
class ServicePlanAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "department", "position", "is_active"]
    list_select_related = ["department"]


@admin.register(AttendanceType)
class AttendanceTypeAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "department", "agent", "position", "is_active"]
    list_select_related = ["department", "agent"]
    autocomplete_fields = ["agent"]


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
