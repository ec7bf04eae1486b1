from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        # Imported here: connecting the log-out receiver needs the models loaded.
        from . import signals  # noqa: F401
