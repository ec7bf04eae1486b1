from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here: the security log needs the models, loaded only once apps are ready.
        from . import security_log

        security_log.connect_signals()
