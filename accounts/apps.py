from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here: they need the models, loaded only once every app is ready.
        from core import kept

        from .models import SecurityPolicy
        from .security_log import connect_signals

        connect_signals()
        # Asked on every page of the panel: read from the kept tables, not a query each time.
        kept.keep(SecurityPolicy)
