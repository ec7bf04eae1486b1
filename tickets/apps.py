from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Imported here: the models it keeps are loaded only once every app is ready.
        from .configuration import keep_configuration

        keep_configuration()
