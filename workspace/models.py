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


class BulkJob(models.Model):
    """One bulk action over many tickets, by one agent: the tickets are chosen again through
    the gate as its owner when it runs, then each goes through the same service as one at a
    time. `position` counts the tickets handled; it moves in the same transaction as each
    ticket's change, so a retried job never does one twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="bulk_jobs",
    )
    action = models.CharField(_("action"), max_length=20)
    # The action's choices: agent, department, priority, label (ids), message, unanswered.
    params = models.JSONField(_("choices"), default=dict, blank=True)
    # The numbers ticked, or (when every ticket that matches was chosen) the list's query.
    numbers = models.JSONField(_("tickets chosen"), default=list, blank=True)
    query = models.JSONField(_("filters"), default=dict, blank=True)
    every_match = models.BooleanField(_("every ticket that matches"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # The ids chosen when it started, in the order they are handled.
    ticket_ids = models.JSONField(_("tickets"), default=list, blank=True)
    position = models.PositiveIntegerField(_("tickets handled"), default=0)
    done = models.PositiveIntegerField(_("tickets changed"), default=0)
    # [{"number": 12, "reason": "not_allowed", "agent": "…"}]: shown in the reader's language.
    refused = models.JSONField(_("tickets refused"), default=list, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")

    def __str__(self):
        return f"{self.action} by {self.owner_id} ({self.status})"

    @property
    def total(self) -> int:
        return len(self.ticket_ids)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.position * 100 // self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class SavedView(models.Model):
    """A named search of the agent panel: the filters and sort of `/agent/search/`, kept as
    the query string they make. Personal (`department` empty), or shared with a department by
    one of its managers (or an administrator); its tickets are always chosen again through
    the tickets gate as the person who opens it."""

    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("shared with"),
        on_delete=models.CASCADE,
        related_name="saved_views",
        null=True,
        blank=True,
    )
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        indexes = [models.Index(fields=["owner", "name"]), models.Index(fields=["department"])]

    def __str__(self):
        return self.name
