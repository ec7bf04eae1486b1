from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WeeklySummarySubscription(models.Model):
    """A manager (or administrator) who asked for the weekly summary of their departments."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="weekly_summary",
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    # The Monday of the last week summed up and mailed: each week is mailed once.
    last_week_sent = models.DateField(_("last week mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly summary subscription")
        verbose_name_plural = _("weekly summary subscriptions")

    def __str__(self):
        return f"{self.user} weekly summary"
