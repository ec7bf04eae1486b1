from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConfigurationItem(models.Model):
    """A named choice administrators maintain, with its name in each language.

    `name` is the English name; `name_pt_br` the Brazilian Portuguese one, used when that
    language is active and falling back to `name` when left blank.
    """

    name = models.CharField(_("name (English)"), max_length=100)
    name_pt_br = models.CharField(_("name (Portuguese)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").lower().startswith("pt") and self.name_pt_br:
            return self.name_pt_br
        return self.name


class Department(ConfigurationItem):
    """A team that receives tickets (S0 "Setor"); mail to its address opens tickets there."""

    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta(ConfigurationItem.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="department_name_unique"),
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="department_email_unique"
            ),
        ]


class Category(ConfigurationItem):
    """A help topic (S0 "Categoria", S4): global, or offered only in one department."""

    department = models.ForeignKey(
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
        limit_choices_to={"role__in": ["agent", "administrator"]},
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title


class PrintSettings(models.Model):
    """What every printout and PDF carries (S3 §4.3 "personalizada"); one row."""

    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="print/", blank=True)
    address = models.TextField(_("address"), blank=True)
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")

    def __str__(self):
        return str(_("Print settings"))

    @classmethod
    def current(cls) -> "PrintSettings":
        return cls.objects.first() or cls()
