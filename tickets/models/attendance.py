"""Guided attendance (manual S1): plans, attendance types, scripts, service orders, tasks and
e-mail templates, and the attendance an agent walks from the first call to the protocol."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .config import ConfigurationItem, Department
from .ticket import Ticket

AGENTS = {"role__in": ["agent", "administrator"]}


class ServicePlan(ConfigurationItem):
    """What the client is served under (S1 1.5 "Plano"); it routes the attendance."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("routes to"),
        on_delete=models.PROTECT,
        related_name="service_plans",
        help_text=_("The department that receives attendances under this plan."),
    )

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        constraints = [models.UniqueConstraint(fields=["name"], name="service_plan_name_unique")]


class AttendanceType(ConfigurationItem):
    """A pre-registered kind of first contact (S1 1.7), which may send the ticket on."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("sends to department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sends to agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=AGENTS,
        help_text=_("Must belong to the department above, when both are given."),
    )

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("attendance type")
        verbose_name_plural = _("attendance types")
        constraints = [models.UniqueConstraint(fields=["name"], name="attendance_type_name_unique")]


class AttendanceScript(ConfigurationItem):
    """Questions an agent walks with the client (S1 1.6); the first by position starts it."""

    description = models.TextField(_("description"), blank=True)

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("attendance script")
        verbose_name_plural = _("attendance scripts")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="attendance_script_name_unique")
        ]

    def first_question(self):
        return self.questions.order_by("position", "id").first()


class ScriptQuestion(models.Model):
    script = models.ForeignKey(
        AttendanceScript,
        verbose_name=_("script"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.TextField(_("question"), help_text=_("What the agent asks the client."))
    client_explanation = models.TextField(
        _("explanation for the client"),
        blank=True,
        help_text=_("What the agent tells the client to do."),
    )
    operator_explanation = models.TextField(
        _("explanation for the operator"),
        blank=True,
        help_text=_("What the agent does while the client waits."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("script question")
        verbose_name_plural = _("script questions")

    def __str__(self):
        return self.question[:80]


class ScriptOption(models.Model):
    """One possible answer; it leads to another question of the script, or ends it."""

    question = models.ForeignKey(
        ScriptQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("answer"), max_length=200)
    next_question = models.ForeignKey(
        ScriptQuestion,
        verbose_name=_("next question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: this answer ends the script."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self):
        return self.label


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


class Attendance(models.Model):
    """One contact taken by an agent, step by step (S1 1 to 1.10); its protocol is the ticket's
    number. Every step is saved as it is taken, so nothing typed is lost."""

    class Origin(models.TextChoices):
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Online support (chat)")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in_person", _("In person")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin)
    contact_email = models.EmailField(_("e-mail searched"), blank=True)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.PROTECT, null=True, blank=True
    )
    problem = models.TextField(_("problem described by the client"), blank=True)
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attendance",
        null=True,
        blank=True,
    )
    script = models.ForeignKey(
        AttendanceScript,
        verbose_name=_("script"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # The answers so far, in order: [{"question": id, "option": id}, …].
    script_answers = models.JSONField(default=list, blank=True)
    script_position = models.PositiveSmallIntegerField(default=0)
    script_ended_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self):
        return f"{self.get_origin_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def current_step(self) -> str:
        """The step to go back to after an interruption."""
        if self.finished_at is not None:
            return "done"
        if self.ticket_id is not None:
            return "first_contact" if self.script_ended_at else "script"
        return "details" if self.client_id is not None else "contacts"


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
        return f"{self.ticket.reference} {self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

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
