"""Pieces the ticket services share: status moves, thread entries, SLA dates, time worked."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from core import hooks, live
from core.sanitize import clean_html, html_to_text
from tickets import workflow
from tickets.models import EntryLink, Ticket, TicketEntry
from tickets.search import refresh_search
from tickets.workflow import Status

from .attachments import inline_images, store_attachments


class NotAllowed(Exception):
    """The actor may not do this to this ticket (checked again here, after the views)."""


# Whatever a status move may change; services save these with their own fields.
MOVED_FIELDS = (
    "status", "resolved_at", "closed_at", "sla_paused_at", "due_at", "first_response_due_at",
    "progress_label", "updated_at",
)  # fmt: skip


def save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=sorted({*MOVED_FIELDS, *fields}))


@dataclass(frozen=True)
class WorkTime:
    """Time an agent worked (S3 §4.9): minutes, or a start and an end."""

    minutes: int
    started_at: datetime | None = None
    ended_at: datetime | None = None
    billable: bool = True

    @classmethod
    def of(
        cls, *, minutes=None, started_at=None, ended_at=None, billable=True
    ) -> "WorkTime | None":
        if started_at and ended_at:
            seconds = (ended_at - started_at).total_seconds()
            return cls(max(1, round(seconds / 60)), started_at, ended_at, billable)
        if minutes:
            return cls(int(minutes), billable=billable)
        return None


def record_time(entry: TicketEntry, work: "WorkTime | None") -> None:
    if work is None:
        return
    entry.minutes = work.minutes
    entry.work_started_at = work.started_at
    entry.work_ended_at = work.ended_at
    entry.billable = work.billable
    entry.save(update_fields=["minutes", "work_started_at", "work_ended_at", "billable"])


def lock(ticket: Ticket) -> Ticket:
    """The ticket's row, locked until the transaction ends: two people may act at once.

    The requester, whom mail names, comes in the same query: a ticket's requester never
    changes. Nothing that may (agent, department) is joined: a query that waited for the
    lock sees the ticket's new values but a joined row as it was before the wait. Its
    department, whose address mail replies to, comes from the kept tables by its id as read
    (`core.kept.KeptForeignKey`). Locking is changing: listeners hear of it after commit.
    """
    locked = (
        Ticket.objects.select_related("requester").select_for_update(of=("self",)).get(id=ticket.id)
    )
    live.changed("ticket", locked.id, department=locked.department_id, agent=locked.assignee_id)
    return locked


def move(ticket: Ticket, action: str, *, actor, now) -> TicketEntry | None:
    """Apply `action` to the ticket's status and record the change, if it is one."""
    old, new = workflow.apply(ticket, action)
    ticket.updated_at = now
    if new == Status.RESOLVED:
        ticket.resolved_at = now
    if new in (Status.RESOLVED, Status.CLOSED):
        ticket.progress_label = None  # a progress label ends with the work (S3 §4.5)
    if new == Status.CLOSED and old != Status.CLOSED:
        ticket.closed_at = now
    _pause_or_resume_sla(ticket, old, new, now)
    if old == new:
        return None
    return event(ticket, TicketEntry.Kind.STATUS, actor, public=True, now=now,
                 data={"from": old, "to": new, "action": action})  # fmt: skip


def event(ticket, kind, actor, *, public=False, data=None, now=None, **fields) -> TicketEntry:
    """An entry that records what happened (an assignment, a transfer, an edit...)."""
    entry = TicketEntry.objects.create(
        ticket=ticket,
        kind=kind,
        is_public=public,
        author=actor,
        data=data or {},
        created_at=now or timezone.now(),
        **fields,
    )
    return told(entry)


def told(entry: TicketEntry) -> TicketEntry:
    """Every entry is a fact to those who record it with the change (webhooks: core.hooks)."""
    hooks.emit("ticket.entry", entry=entry)
    return entry


def add_message(
    ticket, *, kind, actor, body_html, files=(), links=(), quoted=None, now=None, message_id=""
):
    """A message entry with its cleaned text, files and links."""
    cleaned = clean_html(body_html)
    entry = TicketEntry.objects.create(
        ticket=ticket,
        kind=kind,
        is_public=kind != TicketEntry.Kind.NOTE,
        author=actor,
        body_html=cleaned,
        body_text=html_to_text(cleaned),
        quoted=quoted,
        created_at=now or timezone.now(),
        message_id=message_id,
    )
    shown = inline_images(ticket, files, store_attachments(entry, files))
    if shown:  # a mail's images where its text showed them, from the files just stored
        entry.body_html = clean_html(body_html, image_source=shown.get)
        entry.save(update_fields=["body_html"])
    if links:
        EntryLink.objects.bulk_create(EntryLink(entry=entry, url=url) for url in links)
    refresh_search([ticket.id])
    return told(entry)


def set_due_dates(ticket: Ticket, *, previous_priority=None) -> None:
    """Due dates from the priority's SLA hours, counted from the ticket's opening.

    When the priority changes (`previous_priority`), the time the clock already stood still
    still counts: it is what the old due dates hold beyond the old priority's hours (pauses
    are folded into the due dates as they end; one still running is kept in sla_paused_at).
    """
    first_paused = _paused(ticket.first_response_due_at, ticket, previous_priority, "first")
    paused = _paused(ticket.due_at, ticket, previous_priority, "resolution")
    priority = ticket.priority
    first = priority.first_response_hours if priority else None
    resolution = priority.resolution_hours if priority else None
    ticket.first_response_due_at = (
        ticket.created_at + timedelta(hours=first) + first_paused if first else None
    )
    ticket.due_at = ticket.created_at + timedelta(hours=resolution) + paused if resolution else None


def _paused(due_at, ticket: Ticket, priority, which: str) -> timedelta:
    hours = None
    if priority is not None:
        hours = priority.first_response_hours if which == "first" else priority.resolution_hours
    if due_at is None or not hours:
        return timedelta(0)
    return max(due_at - ticket.created_at - timedelta(hours=hours), timedelta(0))


# The SLA clock stands still while the customer owes us an answer, and while the work is
# done (resolved or closed): a ticket reopened later is not late for the time it rested.
SLA_STANDS_STILL = (Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED)


def _pause_or_resume_sla(ticket: Ticket, old: str, new: str, now) -> None:
    # When the clock starts again, the due dates move by the time it stood still.
    if new in SLA_STANDS_STILL and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    elif new not in SLA_STANDS_STILL and ticket.sla_paused_at is not None:
        waited = now - ticket.sla_paused_at
        if ticket.due_at:
            ticket.due_at += waited
        if ticket.first_response_due_at and ticket.first_response_at is None:
            ticket.first_response_due_at += waited
        ticket.sla_paused_at = None
