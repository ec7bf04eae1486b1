from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
