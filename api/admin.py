from django import forms
from django.contrib import admin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import transport, webhooks
from .models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read only: a person creates and revokes their own tokens in their profile."""

    list_display = ["name", "user", "prefix", "can_write", "expires_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["can_write"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=list(webhooks.EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "secret", "include_notes", "allow_private",
                  "is_active", "paused_at"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].required = False
        if self.instance.pk:
            self.initial["events"] = self.instance.event_names

    def clean_events(self):
        return " ".join(event for event in webhooks.EVENTS if event in self.cleaned_data["events"])

    def clean_secret(self):
        return self.cleaned_data["secret"].strip() or webhooks.new_secret()

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        if url:
            try:
                transport.addresses_of(url, allow_private=cleaned.get("allow_private", False))
            except transport.Refused:
                self.add_error("url", _(
                    "This address cannot receive webhooks: use http or https, a host name that "
                    "resolves, and a public address (or allow private addresses below)."
                ))  # fmt: skip
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "events", "is_active", "paused_at", "created_by"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["started_at", "status_code", "milliseconds", "error", "response_excerpt"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The log: every delivery, its attempts and the receiver's answers; "send again"."""

    list_display = ["created_at", "event", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = ["uuid", "endpoint", "event", "status", "attempts", "next_attempt_at",
                       "delivered_at", "created_at", "payload"]  # fmt: skip
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method == "GET" and super().has_change_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<int:delivery_id>/send-again/",
                self.admin_site.admin_view(self.send_again_view),
                name="api_webhookdelivery_send_again",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        for delivery in queryset:
            webhooks.send_again(delivery=delivery)
        self.message_user(request, _("Sent again: %(count)d.") % {"count": len(queryset)})

    def send_again_view(self, request, delivery_id):
        if request.method != "POST" or not self.has_view_permission(request):
            raise Http404
        delivery = get_object_or_404(WebhookDelivery, id=delivery_id)
        webhooks.send_again(delivery=delivery)
        self.message_user(request, _("The delivery is being sent again."))
        return redirect("admin:api_webhookdelivery_change", delivery.id)
