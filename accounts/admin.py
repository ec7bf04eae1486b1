from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import ConfigurationAdmin, ReadOnlyAdmin

from . import security_log
from .forms import OrganizationForm, PersonChecks
from .models import (
    Department,
    DepartmentMembership,
    Organization,
    SecurityEvent,
    SecurityPolicy,
    User,
)
from .twofactor import services as two_factor

Kind = SecurityEvent.Kind

# django-otp's own pages would show administrators the people's secrets: two-factor is reset
# from a person's row instead (an action that mails them and writes the security log).
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


def _record_membership_changes(request, formset) -> None:
    """The security log's line for each department an agent joined, left or now leads."""
    for membership in formset.new_objects:
        security_log.record(Kind.DEPARTMENT_CHANGED, user=membership.user, request=request,
                            department=membership.department.name, change="added",
                            is_manager=membership.is_manager)  # fmt: skip
    for membership, fields in formset.changed_objects:
        security_log.record(Kind.DEPARTMENT_CHANGED, user=membership.user, request=request,
                            department=membership.department.name, change="changed",
                            fields=list(fields), is_manager=membership.is_manager)  # fmt: skip
    for membership in formset.deleted_objects:
        security_log.record(Kind.DEPARTMENT_CHANGED, user=membership.user, request=request,
                            department=membership.department.name,
                            change="removed")  # fmt: skip


class UserAdminForm(PersonChecks, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "phone",
            "language",
            "role",
            "organization",
            "is_master",
            "is_active",
            "email_confirmed_at",
            "can_edit_tickets",
            "can_transfer_tickets",
            "can_delete_tickets",
            "is_technician",
            "email_notifications",
        ]


class UserCreationAdminForm(UserAdminForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to let the person set one through a password reset link."),
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "organization", "is_master", "language"]

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        else:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


class DepartmentMembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    add_form = UserCreationAdminForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["email", "full_name", "role", "organization", "is_master", "is_active"]
    list_filter = ["role", "is_master", "is_active", "language", "organization"]
    search_fields = ["email", "full_name", "phone", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["last_login", "date_joined"]
    ordering = ["full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "phone", "language"]}),
        (_("Role"), {"fields": ["role", "organization", "is_master", "is_active"]}),
        (
            _("Agent permissions"),
            {
                "fields": [
                    "can_edit_tickets",
                    "can_transfer_tickets",
                    "can_delete_tickets",
                    "is_technician",
                    "email_notifications",
                ]
            },
        ),
        (_("Dates"), {"fields": ["email_confirmed_at", "last_login", "date_joined"]}),
    ]
    inlines = [DepartmentMembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Remove two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        done = sum(
            two_factor.reset_two_factor(actor=request.user, user=user, request=request)
            for user in queryset
        )
        self.message_user(request, ngettext(
            "Two-factor sign-in removed for %(count)d person.",
            "Two-factor sign-in removed for %(count)d people.", done,
        ) % {"count": done})  # fmt: skip

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = [*self.add_form.Meta.fields, "password1"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*self.add_form.Meta.fields, "password1"]})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.is_agent else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "role" in form.changed_data:
            security_log.record(Kind.ROLE_CHANGED, user=obj, request=request,
                                previous=form.initial.get("role"), role=obj.role)  # fmt: skip

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is DepartmentMembership:
            _record_membership_changes(request, formset)


class MemberInline(admin.TabularInline):
    model = User
    fields = ["email", "full_name", "is_master", "is_active"]
    readonly_fields = ["email", "full_name"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ["name", "email_domain", "created_at"]
    search_fields = ["name", "email_domain"]
    inlines = [MemberInline]


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(ConfigurationAdmin):
    list_display = ["name", "name_pt_br", "email", "position", "is_active"]
    search_fields = ["name", "name_pt_br", "email"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        _record_membership_changes(request, formset)


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """One row: adding is offered only while there is none."""

    list_display = ["__str__", "require_staff_two_factor", "updated_at"]
    fields = ["require_staff_two_factor"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security log, read only: written by accounts.security_log, purged after
    SECURITY_LOG_DAYS."""

    list_display = ["created_at", "kind", "email", "user", "actor", "ip", "user_agent"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter), "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["email", "user__email", "user__full_name", "ip"]
    list_select_related = ["user", "actor"]
    fields = ["created_at", "kind", "user", "actor", "email", "ip", "user_agent", "details"]
    readonly_fields = fields
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False
