"""Pieces the ticket services share: status moves, thread entries, SLA dates."""

from datetime import timedelta

from django.utils import timezone

from tickets import workflow
from tickets.models import EntryLink, Ticket, TicketEntry
from tickets.sanitize import clean_html, html_to_text
from tickets.workflow import Status

from .attachments import store_attachments


class NotAllowed(Exception):
    """The actor may not do this to this ticket (checked again here, after the views)."""


def lock(ticket: Ticket) -> Ticket:
    """The ticket's row, locked until the transaction ends: two people may act at once."""
    return Ticket.objects.select_for_update().get(id=ticket.id)


def move(ticket: Ticket, action: str, *, actor, now) -> TicketEntry | None:
    """Apply `action` to the ticket's status and record the change, if it is one."""
    old, new = workflow.apply(ticket, action)
    if new == Status.RESOLVED:
        ticket.resolved_at = now
    if new == Status.CLOSED and old != Status.CLOSED:
        ticket.closed_at = now
    if old == new:
        return None
    return TicketEntry.objects.create(
        ticket=ticket,
        kind=TicketEntry.Kind.STATUS,
        is_public=True,
        author=actor,
        data={"from": old, "to": new, "action": action},
        created_at=now,
    )


def add_message(ticket, *, kind, actor, body_html, files=(), links=(), quoted=None, now=None):
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
    )
    store_attachments(entry, files)
    EntryLink.objects.bulk_create(EntryLink(entry=entry, url=url) for url in links)
    return entry


def set_due_dates(ticket: Ticket) -> None:
    """Due dates from the priority's SLA hours, counted from the ticket's opening."""
    priority = ticket.priority
    first = priority.first_response_hours if priority else None
    resolution = priority.resolution_hours if priority else None
    ticket.first_response_due_at = ticket.created_at + timedelta(hours=first) if first else None
    ticket.due_at = ticket.created_at + timedelta(hours=resolution) if resolution else None
