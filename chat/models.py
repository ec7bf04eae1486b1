import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.kept import KeptForeignKey
from printing.models import RenderedPdf


class AgentPresence(models.Model):
    """Whether an agent takes chats now (SPEC §5): online or away."""

    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.AWAY)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat presence")
        verbose_name_plural = _("chat presence")

    def __str__(self):
        return f"{self.user}: {self.status}"


class ChatSession(models.Model):
    """One conversation between a visitor and an agent of a department (S0 "Chat On-Line")."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for an agent")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visitor_name = models.CharField(_("name"), max_length=150)
    visitor_email = models.EmailField(_("e-mail"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visitor_chats",
    )
    department = KeptForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agent_chats",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.WAITING)
    # The language of the page the visitor chatted from: their mail (the transcript) and the
    # ticket made of the chat speak it; blank (chats before it was kept) is the site's.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transcript_sent_at = models.DateTimeField(null=True, blank=True)
    # A visitor who did not log in proves the typed address by the link mailed to it.
    email_confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = [
            models.Index(fields=["visitor_email", "-created_at"], name="chat_email_created"),
            models.Index(fields=["department", "status"], name="chat_department_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="chat_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.visitor_name} <{self.visitor_email}> · {self.department}"

    @property
    def is_email_verified(self) -> bool:
        """The address is the visitor's account's (they logged in) or was confirmed by them;
        otherwise it is only what they typed."""
        return self.visitor_id is not None or self.email_confirmed_at is not None

    @property
    def group(self) -> str:
        """The channel-layer group of everyone in this conversation."""
        return f"chat.{self.id}"


VERIFIED_CHATS = Q(visitor__isnull=False) | Q(email_confirmed_at__isnull=False)


class ChatMessage(models.Model):
    """A line of a chat; numbered so a client that reconnects asks for what it missed."""

    class Kind(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    body_text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="chat_message_sequence"),
        ]

    def __str__(self):
        return f"{self.session_id}#{self.sequence} {self.author_name}"

    def as_event(self) -> dict:
        return {
            "type": "message",
            "chat": self.session_id,
            "sequence": self.sequence,
            "kind": self.kind,
            "author": self.author_name,
            "text": self.body_text,
            "at": self.created_at.isoformat(),
        }


class ChatPdf(RenderedPdf):
    """The PDF of a chat's transcript (SPEC §7: transcripts print like tickets)."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="pdfs")

    class Meta:
        verbose_name = _("chat PDF")
        verbose_name_plural = _("chat PDFs")
