from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from .inbox import process_again
from .models import MailboxStatus, OutboundEmail, ReceivedMessage
from .outbox import retry_failed
from .rendering import kind_label


class KindFilter(admin.SimpleListFilter):
    """The kinds of mail the outbox holds, by their names in the reader's language."""

    title = _("kind of mail")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        names = OutboundEmail.objects.order_by().values_list("template", flat=True).distinct()
        return sorted(((name, kind_label(name)) for name in names), key=lambda kind: kind[1])

    def queryset(self, request, queryset):
        return queryset.filter(template=self.value()) if self.value() else queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = [
        "subject", "kind", "to", "status", "attempts", "created_at", "next_attempt_at",
        "sent_at", "last_error",
    ]  # fmt: skip
    list_filter = ["status", KindFilter]
    search_fields = ["to", "subject", "message_id"]
    actions = ["send_again"]
    # The mail's page names its kind as the list does, not by its template.
    exclude = ["template"]
    readonly_fields = ["kind"]

    @admin.display(description=_("Kind of mail"), ordering="template")
    def kind(self, obj):
        return kind_label(obj.template)

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
