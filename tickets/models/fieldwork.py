"""Field work on a ticket (S1 1.7 to 1.9): service orders on the technician agenda, tasks,
and the e-mail templates agents write from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import ConfigurationItem

from .ticket import Ticket


class EmailTemplate(ConfigurationItem):
    """A prepared mail an agent sends from a ticket (S1 1.9.1).

    Subject and text may carry {customer_first_name}, {customer_name}, {ticket_number},
    {ticket_title} and {agent_name}.
    """

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        constraints = [models.UniqueConstraint(fields=["name"], name="email_template_name_unique")]


class ServiceOrder(models.Model):
    """Work a technician does for a ticket at a set time (S1 1.8); shown to the customer as a
    scheduled visit. One technician's orders never overlap."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        ON_SITE = "on_site", _("On-site visit")
        SITE_SURVEY = "site_survey", _("Site survey")
        REMOTE = "remote", _("Remote")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="service_orders"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="service_orders",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.SCHEDULED)
    kind = models.CharField(_("type"), max_length=12, choices=Kind, default=Kind.ON_SITE)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    description = models.TextField(_("work to be done"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        indexes = [
            models.Index(fields=["technician", "starts_at"], name="service_order_agenda"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="service_order_ends_after"
            ),
        ]

    def __str__(self):
        when = date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
        return f"{self.ticket.reference} {self.get_kind_display()} {when}"

    @property
    def duration_minutes(self) -> int:
        return round((self.ends_at - self.starts_at).total_seconds() / 60)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class TicketTask(models.Model):
    """Something an agent must do for a ticket by a date (S1 1.7 "Tarefa")."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="ticket_tasks",
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["assignee", "due_at"], name="task_open", condition=Q(done_at__isnull=True)
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()
