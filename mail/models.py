from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboundEmail(models.Model):
    """A mail to send, written in the same transaction as the change that causes it.

    A Celery task sends it after commit; beat's sweeper picks up rows due again
    (`next_attempt_at`: broker or SMTP server down), so nothing is lost. A sender claims the
    row first (`sending`, until `lease_until`), so a second worker keeps off it while it is
    sent and a crashed send is taken up again only after the lease. Mails of one
    conversation share `in_reply_to` (its first Message-ID), which is how a reply finds what
    it answers.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # A mail an agent writes (S1 1.9.1) may go to several people, with copies and files.
    also_to = models.TextField(_("also to"), blank=True, help_text=_("One address a line."))
    cc = models.TextField(_("copies"), blank=True, help_text=_("One address a line."))
    # Stored files to attach: [[name in storage, file name shown, content type], ...].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    reply_to = models.EmailField(_("reply to"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=250, blank=True)
    references = models.TextField(_("references"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("outgoing e-mail", "created"), default=timezone.now
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("sending until"), null=True, blank=True)
    # The first failure of the current run of failures; cleared when the mail is sent.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    class Meta:
        db_table = "tickets_outboundemail"  # moved from the tickets app, data kept in place
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["lease_until"],
                name="outbound_sending",
                condition=models.Q(status="sending"),
            ),
            models.Index(
                fields=["failing_since"],
                name="outbound_failing",
                condition=models.Q(failing_since__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class MailboxStatus(models.Model):
    """How the last reading of the inbound mailbox went; /healthz and the admin show it."""

    name = models.CharField(_("name"), max_length=100, unique=True, default="default")
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    messages_read = models.PositiveIntegerField(_("messages read"), default=0)

    class Meta:
        db_table = "tickets_mailboxstatus"  # moved from the tickets app, data kept in place
        verbose_name = _("mailbox status")
        verbose_name_plural = _("mailbox status")

    def __str__(self):
        return self.name

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)


class ReceivedMessage(models.Model):
    """A message as the mail server or the mailbox handed it over, stored before anything
    that can fail, in its own transaction; INBOUND_MAIL_HANDLER acts on it afterwards.

    `pending` waits for a (first or further) attempt at `next_attempt_at`; `failed` gave up
    after two days of attempts, until an administrator or a new delivery tries again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")

    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    raw = models.BinaryField(_("message"))
    received_at = models.DateTimeField(
        pgettext_lazy("received message", "received"), default=timezone.now
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    processed_at = models.DateTimeField(
        pgettext_lazy("received message", "processed"), null=True, blank=True
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="received_due",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return self.message_id
