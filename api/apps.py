from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks, kept

# What a ticket change reads of each endpoint; the sender's lease is read from its row.
KEPT_FIELDS = ("name", "url", "events", "secret", "include_notes", "allow_private", "is_active",
               "paused_at", "created_by")  # fmt: skip


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # The models are loaded only once the app registry is ready.
        from .models import WebhookEndpoint

        # Every ticket change asks which endpoints want it: kept, that costs no query.
        kept.keep(WebhookEndpoint, fields=KEPT_FIELDS)
        hooks.handle("ticket.entry", "api.webhooks.ticket_entry")
        hooks.handle("chat.started", "api.webhooks.chat_started")
        hooks.handle("chat.ended", "api.webhooks.chat_ended")
