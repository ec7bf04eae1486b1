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


class ExportJob(models.Model):
    """A ticket list too long to write inside the request, written to a CSV file by a worker
    for the person who asked (the gate re-applied as them when it runs). Kept EXPORT_KEEP_DAYS.
    """

    class Kind(models.TextChoices):
        AGENT_LIST = "agent_list", _("Agent panel list")
        PORTAL_LIST = "portal_list", _("Customer ticket list")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("list"), max_length=20, choices=Kind)
    # The list's query string as the person had it (filters, search, sort).
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("tickets"), default=0)
    rows_done = models.PositiveIntegerField(_("tickets written"), default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        indexes = [models.Index(fields=["created_at"], name="export_created")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.owner_id} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
