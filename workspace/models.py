"""What the live workspace keeps of each agent: whether new tickets ring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LivePreference(models.Model):
    """An agent's choice of alerts for new tickets in their departments (off by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_preference"
    )
    new_ticket_alerts = models.BooleanField(_("sound and desktop alerts for new tickets"),
                                            default=False)  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("live panel preference")
        verbose_name_plural = _("live panel preferences")

    def __str__(self):
        return str(self.user)
