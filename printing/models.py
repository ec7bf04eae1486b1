from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RenderedPdf(models.Model):
    """A PDF rendered by a worker, kept per version of its document.

    `key` names the document's last change, the variant (what the reader may see), the
    language and the print settings in force; a new change makes a new key and a new file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    variant = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(upload_to="pdfs/%Y/%m/", blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.key


class PrintSettings(models.Model):
    """What every printout and PDF carries (S3 §4.3 "personalizada"); one row."""

    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="print/", blank=True)
    address = models.TextField(_("address"), blank=True)
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "tickets_printsettings"  # moved from the tickets app, data kept in place
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")

    def __str__(self):
        return str(_("Print settings"))

    @classmethod
    def current(cls) -> "PrintSettings":
        return cls.objects.first() or cls()
