"""Escalations: a child internal ticket to another department (S3 §4.6)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from tickets import permissions
from tickets.models import Category, Priority, Ticket, TicketEntry

from .common import NotAllowed, lock
from .opening import open_ticket


@transaction.atomic
def escalate_ticket(
    *, ticket: Ticket, actor: User, department: Department, title: str, body_html: str,
    priority: Priority | None = None, category: Category | None = None, files=(), links=(),
) -> Ticket:  # fmt: skip
    """Open a child internal ticket for `department`; the parent stays with its agent and
    cannot be resolved until the child is done."""
    parent = lock(ticket)
    if not permissions.works_on(actor, parent) or parent.is_closed:
        raise NotAllowed
    child = open_ticket(
        actor=actor, requester=actor, department=department, title=title, body_html=body_html,
        category=category, priority=priority or parent.priority, files=files, links=links,
        channel=Ticket.Channel.AGENT, kind=Ticket.Kind.INTERNAL, parent=parent,
    )  # fmt: skip
    now = timezone.now()
    TicketEntry.objects.create(
        ticket=parent,
        kind=TicketEntry.Kind.ESCALATION,
        is_public=False,
        author=actor,
        data={"child": child.number, "department": department.name, "department_id": department.id},
        created_at=now,
    )
    parent.updated_at = now
    parent.save(update_fields=["updated_at"])
    return child
