from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """A mail to send, written in the same transaction as the change that causes it.

    A Celery task sends it after commit; a beat task picks up rows left pending (broker or
    SMTP server down), so nothing is lost, and the row lock while sending keeps two workers
    from sending it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=60)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    entry = models.ForeignKey(
        "tickets.TicketEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A mail an agent writes (S1 1.9.1) may go to several people, with copies and files.
    also_to = models.TextField(_("also to"), blank=True, help_text=_("One address a line."))
    cc = models.TextField(_("copies"), blank=True, help_text=_("One address a line."))
    attach_entry_files = models.BooleanField(default=False)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    reply_to = models.EmailField(blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    in_reply_to = models.CharField(max_length=250, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbound_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class InboundEmail(models.Model):
    """A mail read from the mailbox or a pipe; kept once, whatever happened to it."""

    class Outcome(models.TextChoices):
        OPENED = "opened", _("Opened a ticket")
        REPLIED = "replied", _("Added to a ticket")
        HELD = "held", _("Held: sender not on the ticket")
        IGNORED = "ignored", _("Ignored: automatic or list mail")
        FAILED = "failed", _("Failed")

    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    detail = models.TextField(_("detail"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")

    def __str__(self):
        return f"{self.subject} ← {self.sender}"


class MailboxStatus(models.Model):
    """How the last reading of the inbound mailbox went; /healthz and the admin show it."""

    name = models.CharField(max_length=100, unique=True, default="default")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    messages_read = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailbox status")
        verbose_name_plural = _("mailbox status")

    def __str__(self):
        return self.name

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)


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


class TicketPdf(RenderedPdf):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="pdfs")

    class Meta:
        verbose_name = _("ticket PDF")
        verbose_name_plural = _("ticket PDFs")
