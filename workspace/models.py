"""What the live workspace keeps of each agent: whether new tickets ring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.kept import KeptForeignKey


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


class Macro(models.Model):
    """A named set of actions an agent applies to a ticket in one step: a reply (its text
    with the canned replies' placeholders), then a status, a progress label, a priority, an
    assignee or a department, and time worked. Personal (no department) or shared with a
    department by its manager or an administrator. Each action goes through the ticket's own
    service when applied (`workspace.macros`)."""

    class Then(models.TextChoices):
        WAIT = "wait", _("Reply and wait for the customer")
        KEEP = "keep", _("Reply and keep it open")
        PEND = "pend", _("Reply and wait on another team")
        RESOLVE = "resolve", _("Resolve (the text goes with it)")

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="macros",
    )
    # Read from the kept departments (core.kept): the panel's navigation names them on
    # every page, without a join.
    department = KeptForeignKey(
        "accounts.Department",
        verbose_name=_("shared with"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
    )
    body_html = models.TextField(_("reply text"), blank=True)
    then = models.CharField(_("status"), max_length=10, choices=Then, default=Then.WAIT)
    progress_label = models.ForeignKey(
        "tickets.ProgressLabel",
        verbose_name=_("progress label"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.ForeignKey(
        "tickets.Priority",
        verbose_name=_("priority"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assign to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    transfer_to = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("transfer to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.PositiveIntegerField(_("minutes worked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self):
        return self.name


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
    # Read from the kept departments (core.kept): the panel's navigation names them on
    # every page, without a join.
    department = KeptForeignKey(
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
