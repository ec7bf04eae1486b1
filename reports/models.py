from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WeeklySummarySubscription(models.Model):
    """A manager (or administrator) who asked for the weekly summary of their departments."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="weekly_summary",
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    # The Monday of the last week summed up and mailed: each week is mailed once.
    last_week_sent = models.DateField(_("last week mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly summary subscription")
        verbose_name_plural = _("weekly summary subscriptions")

    def __str__(self):
        return f"{self.user} weekly summary"


class ExportJob(models.Model):
    """A ticket list too long to write inside the request, written to a CSV file by a worker
    for the person who asked (the gate re-applied as them when it runs). Kept EXPORT_KEEP_DAYS.
    """

    class Kind(models.TextChoices):
        AGENT_LIST = "agent_list", _("Agent panel list")
        PORTAL_LIST = "portal_list", _("Customer ticket list")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("list"), max_length=20, choices=Kind)
    # The list's query string as the person had it (filters, search, sort).
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("tickets"), default=0)
    rows_done = models.PositiveIntegerField(_("tickets written"), default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        indexes = [models.Index(fields=["created_at"], name="export_created")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.owner_id} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


def _kept_link(model, **options):
    """A column copied from a ticket: no foreign-key check or cascade (the rollup is refreshed
    from the tickets, not held to them row by row)."""
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **options
    )


class DayDimensions(models.Model):
    """The ticket's columns a per-day row is counted by: those of TicketDimensions but the
    people and the organization (which would make as many rows as tickets). A report
    filtered by organization reads the ticket's and entries' rows instead."""

    department = _kept_link("accounts.Department", null=True)
    assignee = _kept_link(settings.AUTH_USER_MODEL, null=True)
    category = _kept_link("tickets.Category", null=True)
    product = _kept_link("tickets.Product", null=True)
    priority = _kept_link("tickets.Priority", null=True)
    channel = models.CharField(max_length=10)

    class Meta:
        abstract = True


class TicketDimensions(DayDimensions):
    """The ticket's columns the reports filter, group and gate by, under its own names: on
    a ticket's row and copied onto each of its entries' rows (the per-day ones and the
    people and organization)."""

    requester = _kept_link(settings.AUTH_USER_MODEL, null=True)
    submitter = _kept_link(settings.AUTH_USER_MODEL, null=True)
    organization = _kept_link("accounts.Organization", null=True)

    class Meta:
        abstract = True


class TicketFact(TicketDimensions):
    """The rollup of one ticket (not in the trash) that the reports read instead of the wide
    ticket rows: the filter dimensions and the gate's columns under the ticket's own names,
    the dates the figures count, and the business seconds to the first response and to
    resolution (reports.rollup keeps it; see the README, "Reports on large data")."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    created_day = models.DateField()  # in the site's time zone
    first_response_at = models.DateTimeField(null=True)
    first_response_due_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)  # resolved, else closed
    due_at = models.DateTimeField(null=True)
    sla_paused_at = models.DateTimeField(null=True)
    first_response_seconds = models.FloatField(null=True)
    resolution_seconds = models.FloatField(null=True)
    # The customer's rating, if any (Satisfaction and Agents count these, not the ratings).
    rating_id = models.BigIntegerField(null=True)
    rating_score = models.PositiveSmallIntegerField(null=True)
    rated_at = models.DateTimeField(null=True)
    rating_commented = models.BooleanField(default=False)
    # Every minute logged on the ticket, whenever: a bound on what any period adds up
    # (reports.selectors.worked, the tickets most worked on).
    minutes_worked = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="reports_fact_created"),
            models.Index(
                fields=["-minutes_worked", "ticket"],
                name="reports_fact_worked",
                condition=Q(minutes_worked__gt=0),
            ),
            models.Index(fields=["first_response_at"], name="reports_fact_answered"),
            models.Index(fields=["finished_at"], name="reports_fact_finished"),
            models.Index(fields=["rated_at"], name="reports_fact_rated"),
            models.Index(fields=["created_day"], name="reports_fact_created_day"),
        ]

    def __str__(self):
        return f"rollup of ticket {self.ticket_id}"


class EntryFact(TicketDimensions):
    """The rollup of one history entry a report counts (status changes, assignments, public
    replies, time logged) of a ticket not in the trash, with its ticket's dimensions copied in:
    the reports filter and group these narrow rows without joining the tickets."""

    entry = models.OneToOneField(
        "tickets.TicketEntry",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    ticket = _kept_link("tickets.Ticket")
    kind = models.CharField(max_length=12)
    author = _kept_link(settings.AUTH_USER_MODEL, null=True)
    created_at = models.DateTimeField()
    day = models.DateField()  # in the site's time zone
    # The entry's data "from" and "to" as text; NULL where it has none (as the JSON reads).
    data_from = models.TextField(null=True)  # noqa: DJ001
    data_to = models.TextField(null=True)  # noqa: DJ001
    data_action = models.TextField(null=True)  # noqa: DJ001  (the workflow's action)
    minutes = models.PositiveIntegerField(null=True)
    billable = models.BooleanField()
    # An assignment to its own author (the agent claimed the ticket), by their name now.
    claimed = models.BooleanField()
    # Its author was staff (an agent or an administrator) when the row was made: the rows
    # AuthorDay counts (a trigger marks an author's tickets when their role changes).
    by_staff = models.BooleanField(default=False)
    ticket_number = models.PositiveIntegerField()
    ticket_created_day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["created_at", "kind"], name="reports_entryfact_created"),
            models.Index(fields=["ticket"], name="reports_entryfact_ticket"),
            models.Index(fields=["kind", "day"], name="reports_entryfact_kind_day"),
            # Time worked reads the few rows of time logged among the many replies.
            models.Index(
                fields=["created_at"],
                condition=models.Q(minutes__isnull=False),
                name="reports_entryfact_minutes",
            ),
        ]

    def __str__(self):
        return f"rollup of entry {self.entry_id}"


class TicketDay(DayDimensions):
    """How many TicketFact rows of one local day opened have one status and one set of
    dimensions (reports.daily keeps it from the TicketFact rows)."""

    created_day = models.DateField()
    status = models.CharField(max_length=20)
    # Signed: a refresh writes what its tickets took away and added, then sums each day up.
    tickets = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["created_day"], name="reports_ticketday_day")]

    def __str__(self):
        return f"{self.tickets} tickets of {self.created_day}"


class StatusDay(DayDimensions):
    """How many status changes (EntryFact rows) of one local day, of tickets opened on one
    day, went from one status to another by one action, with one set of dimensions."""

    day = models.DateField()
    ticket_created_day = models.DateField()
    data_from = models.TextField(null=True)  # noqa: DJ001
    data_to = models.TextField(null=True)  # noqa: DJ001
    data_action = models.TextField(null=True)  # noqa: DJ001
    changes = models.IntegerField()  # signed, as TicketDay.tickets

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_statusday_day")]

    def __str__(self):
        return f"{self.changes} status changes of {self.day}"


class AuthorDay(DayDimensions):
    """What one member of the staff did on one local day on tickets of one set of
    dimensions (EntryFact rows by staff, `by_staff`): the counted entries, the tickets
    claimed, the public replies, the status changes to resolved and the minutes logged."""

    day = models.DateField()
    author = _kept_link(settings.AUTH_USER_MODEL)
    # Signed, as TicketDay.tickets; `entries` counts every row, so a day's sum of 0 is none.
    entries = models.IntegerField()
    claimed = models.IntegerField()
    replies = models.IntegerField()
    resolved = models.IntegerField()
    minutes = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="reports_authorday_day")]

    def __str__(self):
        return f"{self.entries} entries of {self.author_id} on {self.day}"


class RollupChange(models.Model):
    """A ticket whose rollup rows are to be made again: written by the database's triggers on
    the tickets, their entries and the priorities' hours, read and emptied by
    reports.rollup.refresh."""

    ticket_id = models.BigIntegerField()

    def __str__(self):
        return f"ticket {self.ticket_id} changed"
