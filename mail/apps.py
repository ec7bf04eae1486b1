from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks  # noqa: F401 - registers the system checks (no models needed)


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = _("E-mail")
