from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from .inbox import process_again
from .models import MailboxStatus, OutboundEmail, ReceivedMessage
from .outbox import retry_failed


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = [
        "subject", "to", "status", "attempts", "created_at", "next_attempt_at", "sent_at",
        "last_error",
    ]  # fmt: skip
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "message_id"]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed mails again"))
    def send_again(self, request, queryset):
        retry_failed(queryset.filter(status=OutboundEmail.Status.FAILED))


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "status", "attempts", "received_at", "next_attempt_at",
                    "last_error"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["message_id"]
    exclude = ["raw"]
    actions = ["process_now"]

    @admin.action(description=_("Process the selected messages again"))
    def process_now(self, request, queryset):
        taken = process_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message processed.", "%(count)d messages processed.", taken)
            % {"count": taken},
            messages.SUCCESS if taken else messages.WARNING,
        )


@admin.register(MailboxStatus)
class MailboxStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "last_success_at", "messages_read", "last_error"]
