import uuid
from datetime import UTC, datetime
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from core.kept import KeptForeignKey
from printing.models import RenderedPdf
from tickets import workflow
from tickets.workflow import Status

from .config import Category, Priority, Product, ProgressLabel, Severity

# Lists sort a ticket with no due date after all others, on every database, with one index.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)
DUE_SORT_KEY = Coalesce("due_at", Value(NO_DUE_DATE))
# Every agent queue lists active tickets only: the indexes below hold no others.
_ACTIVE = Q(trashed_at__isnull=True, status__in=workflow.ACTIVE)
_FINISHED = Q(
    trashed_at__isnull=True, status__in=[workflow.Status.RESOLVED, workflow.Status.CLOSED]
)
# What the queue counts read, so that PostgreSQL counts from the index alone (the requester and
# the submitter too: an agent also sees the tickets they opened, for a customer or themselves).
_QUEUE_COLUMNS = ["status", "customer_spoke_last", "first_response_at", "parent", "requester",
                  "submitter"]  # fmt: skip


class Ticket(models.Model):
    """A request and its whole history (SPEC §2)."""

    class Kind(models.TextChoices):
        EXTERNAL = "external", _("External")
        INTERNAL = "internal", _("Internal")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        GUEST = "guest", _("Guest form")
        EMAIL = "email", _("E-mail")
        AGENT = "agent", _("Agent")
        CHAT = "chat", _("Chat")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    # Who opened it: the requester, or the agent who opened it for them (by phone, in an
    # attendance, from a chat). Agents see the tickets they submitted wherever they went.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="submitted_tickets",
        null=True,
        blank=True,
        editable=False,
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="tickets",
        null=True,
        blank=True,
    )
    department = KeptForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = KeptForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="tickets",
        null=True,
        blank=True,
    )
    product = KeptForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True
    )
    priority = KeptForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.PROTECT, null=True, blank=True
    )
    severity = KeptForeignKey(
        Severity, verbose_name=_("severity"), on_delete=models.PROTECT, null=True, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent ticket"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.EXTERNAL)
    # For an internal ticket: the department its opener speaks for (S3 §2.2).
    requesting_department = KeptForeignKey(
        Department,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.PORTAL)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    # The last public word: the customer's (they await us) or ours (we await them).
    customer_spoke_last = models.BooleanField(default=True, editable=False)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    progress_label = KeptForeignKey(
        ProgressLabel,
        verbose_name=_("progress"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    notify_customer = models.BooleanField(
        _("notify the customer by e-mail"),
        default=True,
        help_text=_("Mail the customer each public update of this ticket."),
    )
    # The Message-ID every mail about this ticket refers to, so mail clients thread them.
    email_thread_id = models.CharField(max_length=250, blank=True, editable=False, db_index=True)
    # While the ticket waits on the customer its SLA clock stands still (SPEC §4).
    sla_paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    trashed_at = models.DateTimeField(_("in the trash since"), null=True, blank=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the trash by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    # Merged into another ticket (workspace.merge): its number answers with that one.
    merged_into = models.ForeignKey("self", models.SET_NULL, verbose_name=_("merged into"),
                                    related_name="+", null=True, editable=False)  # fmt: skip
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_updated"),
            models.Index(
                fields=["organization", "-updated_at"], name="ticket_organization_updated"
            ),
            models.Index(fields=["department", "status"], name="ticket_department_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["status", "-updated_at"], name="ticket_status_updated"),
            # The agent panel: queue counts and the queues' pages, active tickets only.
            models.Index(
                fields=["department", "assignee", *_QUEUE_COLUMNS],
                name="ticket_active_department",
                condition=_ACTIVE,
            ),
            models.Index(
                fields=["assignee", "department", *_QUEUE_COLUMNS],
                name="ticket_active_assignee",
                condition=_ACTIVE,
            ),
            models.Index(DUE_SORT_KEY, "id", name="ticket_active_due", condition=_ACTIVE),
            models.Index(
                fields=["updated_at", "id"], name="ticket_active_updated", condition=_ACTIVE
            ),
            # The panel's "resolved and closed", latest first: most tickets end there, and the
            # status index cannot read two statuses in one order.
            models.Index(
                fields=["updated_at", "id"], name="ticket_finished_updated", condition=_FINISHED
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=100000), name="ticket_number_has_six_digits"
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    @property
    def reference(self) -> str:
        return f"#{self.number}"

    @property
    def customer_status(self) -> str:
        return self.status_as(own=True)

    def is_own_for(self, reader_id: int | None) -> bool:
        """Whether `reader_id` reads the ticket as its requester (None: a guest of its link)."""
        return reader_id is None or reader_id == self.requester_id

    def status_for(self, reader_id: int | None) -> str:
        """The customer's badge as `reader_id` reads it (None: a guest, its requester)."""
        return self.status_as(own=self.is_own_for(reader_id))

    def status_as(self, *, own: bool) -> str:
        """The customer's badge as its requester (`own`) or a colleague of theirs reads it."""
        return workflow.customer_label(
            self.status, customer_spoke_last=self.customer_spoke_last, own=own
        )

    def can(self, action: str) -> bool:
        """Whether the workflow lets `action` happen now (templates draw buttons from it)."""
        return workflow.allowed(self.status, action)

    @property
    def allowed_actions(self) -> frozenset[str]:
        return workflow.allowed_actions(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_at
            and self.sla_paused_at is None
            and self.status not in (Status.RESOLVED, Status.CLOSED)
            and self.due_at < timezone.now()
        )


class QueueCount(models.Model):
    """Active tickets counted by what the agent queues ask of them, on PostgreSQL.

    A trigger on the tickets table (migration 0008) adds a row of -1 for a ticket's old key and
    one of +1 for its new key whenever a ticket is opened, changed in a way the queues see,
    trashed or deleted, in the same transaction; `queues.compact_queue_counts()` folds the rows
    into one a key. The queue counts add up a few hundred rows for an agent's departments
    where they counted every active ticket (tens of thousands at 100,000 tickets).
    """

    department_id = models.BigIntegerField()
    assignee_key = models.BigIntegerField()  # the assignee's id; 0 for nobody
    status = models.CharField(max_length=20)
    customer_spoke_last = models.BooleanField()
    answered = models.BooleanField()  # first_response_at is set
    escalation = models.BooleanField()  # parent is set
    change = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["department_id"], name="queuecount_department"),
            models.Index(fields=["assignee_key"], name="queuecount_assignee"),
        ]

    def __str__(self):
        return f"{self.department_id}/{self.assignee_key}/{self.status}: {self.change:+d}"


class TicketSearch(models.Model):
    """A ticket's words for full-text search on PostgreSQL, kept by the services.

    `public` holds the number, the title and what the customer sees; `private` the notes.
    Elsewhere (SQLite) the table stays empty and searches read the thread itself.
    """

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    public = SearchVectorField(null=True)
    private = SearchVectorField(null=True)

    def __str__(self):
        return f"search words of ticket {self.ticket_id}"


class TicketEntry(models.Model):
    """One line of a ticket's history: a message, a note or an event (SPEC §2, one timeline)."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        STATUS = "status", _("Status change")
        PRIORITY = "priority", _("Priority change")
        ASSIGNMENT = "assignment", _("Assignment")
        TRANSFER = "transfer", pgettext_lazy("a kind of history entry", "Transfer")
        ESCALATION = "escalation", _("Escalation")
        TIME = "time", _("Time worked")
        RATING = "rating", _("Rating")
        EDIT = "edit", _("Edit")
        PROGRESS = "progress", _("Progress")
        EMAIL = "email", _("E-mail sent")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    is_public = models.BooleanField(
        _("public"), help_text=_("Seen by the customer; internal notes and time never are.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="ticket_entries",
        null=True,
        blank=True,
    )
    body_html = models.TextField(_("message"), blank=True)
    body_text = models.TextField(blank=True, editable=False)
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What changed, for events: {"from": "new", "to": "open"}, …
    data = models.JSONField(default=dict, blank=True)
    # Time worked, logged on a reply, a note or at finalization (S3 §4.9); agents only.
    minutes = models.PositiveIntegerField(_("minutes worked"), null=True, blank=True)
    # Billed to the customer unless the agent unticks it (as Zendesk and Freshdesk do).
    billable = models.BooleanField(_("billable"), default=True, db_default=True)
    work_started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    work_ended_at = models.DateTimeField(_("work ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # For a message that came by e-mail: its Message-ID.
    message_id = models.CharField(max_length=250, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket entry")
        verbose_name_plural = _("ticket entries")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="entry_ticket_created"),
            # The reports read status changes and time logged over a period: partial
            # indexes of those few rows, not a scan of every message (reports' bench rows).
            models.Index(
                fields=["created_at"], condition=Q(kind="status"), name="entry_status_created"
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(minutes__isnull=False),
                name="entry_worked_created",
            ),
        ]

    def __str__(self):
        return f"{self.ticket.reference} {self.get_kind_display()}"

    def customer_status_to(self, *, own: bool = True) -> str:
        """For a status change: the new status in the customer's words, as their badge said
        (`own`: read by the ticket's requester; else by a colleague, who is not waited for)."""
        to, replied = self.data.get("to"), self.data.get("action") == workflow.Action.CUSTOMER_REPLY
        return workflow.customer_label(to or "", customer_spoke_last=replied, own=own)

    @property
    def status_from_label(self) -> str:
        return _status_label(self.data.get("from"))

    @property
    def status_to_label(self) -> str:
        return _status_label(self.data.get("to"))

    @property
    def is_message(self) -> bool:
        return self.kind in (self.Kind.MESSAGE, self.Kind.REPLY, self.Kind.NOTE)


def _status_label(value) -> str:
    return Status(value).label if value in Status.values else (value or "")


def attachment_path(instance, filename):
    # The stored name is ours; the person's file name is kept in `name` only.
    suffix = PurePath(filename).suffix.lower()[:10]
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def thumbnail_path(instance, filename):
    now = timezone.now()
    return f"thumbnails/{now:%Y/%m}/{uuid.uuid4().hex}.png"


class Attachment(models.Model):
    """A file on an entry; served only through a view that checks the ticket's permissions."""

    entry = models.ForeignKey(TicketEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    # "Observações" on the file (S1 1.7.1.1 Obs2), given where the form asks for it.
    note = models.CharField(_("notes"), max_length=500, blank=True)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=200, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EntryLink(models.Model):
    """A link attached to a message (S0 "Anexar um link")."""

    entry = models.ForeignKey(TicketEntry, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("link"), max_length=2000)

    class Meta:
        ordering = ["id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.url


class Rating(models.Model):
    """The customer's 1-5 stars and comment on how the ticket was handled (S0)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.ticket.reference}: {self.score}"


class TicketFollower(models.Model):
    """An agent who asked for the customer's replies by e-mail (S3 "Receber respostas")."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_unique")
        ]

    def __str__(self):
        return f"{self.user} follows {self.ticket}"


class Notification(models.Model):
    """One line in an agent's bell (S3 "Hub de notificações")."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("A ticket was assigned to you")
        CUSTOMER_REPLIED = "customer_replied", _("The customer replied")
        ESCALATION_ANSWERED = "escalation_answered", _("An escalation was answered")
        TRANSFERRED = "transferred", _("A ticket was transferred to your department")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.get_kind_display()} {self.ticket}"


class TicketPdf(RenderedPdf):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pdfs")

    class Meta:
        verbose_name = _("ticket PDF")
        verbose_name_plural = _("ticket PDFs")


class GuestLink(models.Model):
    """A link mailed to open a ticket without signing in: see tickets.guest_access."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="guest_links")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.ticket} {self.created_at:%Y-%m-%d}"
