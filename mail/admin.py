from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import MailboxStatus, OutboundEmail
from .outbox import retry_failed


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "message_id"]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed mails again"))
    def send_again(self, request, queryset):
        retry_failed(queryset.filter(status=OutboundEmail.Status.FAILED))


@admin.register(MailboxStatus)
class MailboxStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "last_success_at", "messages_read", "last_error"]
