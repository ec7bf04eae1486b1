from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.kept import KeptForeignKey
from core.models import ConfigurationItem


class Category(ConfigurationItem):
    """A help topic (S0 "Categoria", S4): global, or offered only in one department."""

    department = KeptForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="categories",
        null=True,
        blank=True,
        help_text=_("Leave empty to offer it in every department."),
    )
    requires_attachment = models.BooleanField(
        _("attachment required"),
        default=False,
        help_text=_("Tickets in this category must carry a file, such as a screenshot."),
    )

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="category_name_unique_per_department"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(department__isnull=True),
                name="category_global_name_unique",
            ),
        ]


class Product(ConfigurationItem):
    """What the ticket is about (S2 "Nome do Produto")."""

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.UniqueConstraint(fields=["name"], name="product_name_unique")]


class Priority(ConfigurationItem):
    """How urgent a ticket is, with the SLA targets that set its due date (S2, S3, S4)."""

    first_response_hours = models.PositiveIntegerField(
        _("first response within (hours)"), null=True, blank=True
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolution within (hours)"), null=True, blank=True
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Chosen when nobody picks a priority.")
    )

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="priority_name_unique"),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="priority_single_default",
            ),
        ]


class Severity(ConfigurationItem):
    """The impact on the customer's business (S2 "Severidade")."""

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("severity")
        verbose_name_plural = _("severities")
        constraints = [models.UniqueConstraint(fields=["name"], name="severity_name_unique")]


class ProgressLabel(ConfigurationItem):
    """A step an agent shows the customer, such as "Testing" (S3 "Alterar Status")."""

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("progress label")
        verbose_name_plural = _("progress labels")
        constraints = [models.UniqueConstraint(fields=["name"], name="progress_label_name_unique")]


class CannedReply(models.Model):
    """A prepared answer, for a department or for one agent (S3 "Respostas padrões").

    The text may carry placeholders: {customer_first_name}, {customer_name},
    {ticket_number}, {ticket_title}, {agent_name}.
    """

    title = models.CharField(_("title"), max_length=100)
    body_html = models.TextField(_("text"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        help_text=_("Empty: offered in every department."),
    )
    owner = models.ForeignKey(
        "accounts.User",
        verbose_name=_("personal, of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        limit_choices_to={"role__in": User.STAFF_ROLES},
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title
