"""Guided attendance (manual S1): service plans, attendance types, scripts, and the attendance
an agent walks from the first call to the protocol."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.models import ConfigurationItem
from tickets.models import Ticket

AGENTS = {"role__in": User.STAFF_ROLES}


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
        db_table = "tickets_serviceplan"  # moved from the tickets app, data kept in place
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
        db_table = "tickets_attendancetype"  # moved from the tickets app, data kept in place
        verbose_name = _("attendance type")
        verbose_name_plural = _("attendance types")
        constraints = [models.UniqueConstraint(fields=["name"], name="attendance_type_name_unique")]


class AttendanceScript(ConfigurationItem):
    """Questions an agent walks with the client (S1 1.6); the first by position starts it."""

    description = models.TextField(_("description"), blank=True)

    class Meta(ConfigurationItem.Meta):
        db_table = "tickets_attendancescript"  # moved from the tickets app, data kept in place
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
        db_table = "tickets_scriptquestion"  # moved from the tickets app, data kept in place
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
        db_table = "tickets_scriptoption"  # moved from the tickets app, data kept in place
        ordering = ["position", "id"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self):
        return self.label


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
        db_table = "tickets_attendance"  # moved from the tickets app, data kept in place
        ordering = ["-created_at"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self):
        when = date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return f"{self.get_origin_display()} {when}"

    @property
    def current_step(self) -> str:
        """The step to go back to after an interruption."""
        if self.finished_at is not None or self.first_contact_at is not None:
            return "done"
        if self.ticket_id is not None:
            return "first_contact" if self.script_ended_at else "script"
        return "details" if self.client_id is not None else "contacts"
