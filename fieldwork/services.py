"""What follows a first contact on a ticket (S1 1.7 to 1.9): service orders on the technician
agenda, tasks, and e-mail written from templates."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.sanitize import text_to_html
from tickets import mails, permissions
from tickets.models import ServiceOrder, Ticket, TicketEntry, TicketTask
from tickets.services.attachments import store_attachments
from tickets.services.common import NotAllowed, event, lock


class Overlaps(Exception):
    """The technician has another order at that time; `order` is the first one in the way."""

    def __init__(self, order):
        self.order = order
        super().__init__(f"overlaps {order}")


def _check_free(technician: User, starts_at, ends_at, *, ignore=None) -> None:
    clash = ServiceOrder.objects.filter(
        technician=technician, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=ServiceOrder.Status.CANCELLED)
    if ignore is not None:
        clash = clash.exclude(id=ignore.id)
    first = clash.select_related("ticket").order_by("starts_at").first()
    if first is not None:
        raise Overlaps(first)


def _lock_technician(technician: User) -> User:
    # Locked: two agents may book the same technician at once; the second sees the first.
    technician = User.objects.select_for_update().get(id=technician.id)
    if not technician.is_technician or not technician.is_active:
        raise NotAllowed
    return technician


@transaction.atomic
def schedule_service_order(
    *, ticket: Ticket, actor: User, technician: User, kind: str, starts_at: datetime,
    ends_at: datetime, description: str, status: str = ServiceOrder.Status.SCHEDULED,
) -> ServiceOrder:  # fmt: skip
    """A service order on the technician's agenda (S1 1.8); never over another of theirs.
    The customer sees it on the ticket and is mailed the visit."""
    if not permissions.may_follow_up(actor, ticket):
        raise NotAllowed
    technician = _lock_technician(technician)
    if ends_at <= starts_at:
        raise ValueError("a service order ends after it starts")
    if status != ServiceOrder.Status.CANCELLED:
        _check_free(technician, starts_at, ends_at)
    ticket = lock(ticket)
    order = ServiceOrder.objects.create(
        ticket=ticket, technician=technician, kind=kind, status=status, starts_at=starts_at,
        ends_at=ends_at, description=description.strip(), created_by=actor,
    )  # fmt: skip
    _order_event(order, actor, "scheduled")
    mails.service_order_scheduled(order)
    return order


@transaction.atomic
def change_service_order(
    *, order: ServiceOrder, actor: User, technician: User, kind: str, status: str,
    starts_at: datetime, ends_at: datetime, description: str,
) -> ServiceOrder:  # fmt: skip
    """Reschedule, reassign or change the status of an order, still without overlaps."""
    if not permissions.may_follow_up(actor, order.ticket):
        raise NotAllowed
    technician = _lock_technician(technician)
    order = ServiceOrder.objects.select_for_update().get(id=order.id)
    if ends_at <= starts_at:
        raise ValueError("a service order ends after it starts")
    if status != ServiceOrder.Status.CANCELLED:
        _check_free(technician, starts_at, ends_at, ignore=order)
    order.technician = technician
    order.kind = kind
    order.status = status
    order.starts_at = starts_at
    order.ends_at = ends_at
    order.description = description.strip()
    order.save(
        update_fields=["technician", "kind", "status", "starts_at", "ends_at", "description"]
    )
    _order_event(order, actor, "changed")
    return order


def _order_event(order: ServiceOrder, actor: User, what: str) -> None:
    ticket = order.ticket
    now = timezone.now()
    event(
        ticket, TicketEntry.Kind.EDIT, actor, now=now,
        data={
            "service_order": what,
            "kind": order.kind,
            "status": order.status,
            "technician": order.technician.full_name,
            "starts_at": timezone.localtime(order.starts_at).isoformat(),
            "ends_at": timezone.localtime(order.ends_at).isoformat(),
        },
    )  # fmt: skip
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])


@transaction.atomic
def add_task(*, ticket: Ticket, actor: User, title: str, assignee: User, due_at) -> TicketTask:
    """A task for an agent by a date (S1 1.7 "Tarefa")."""
    if not permissions.may_follow_up(actor, ticket) or not assignee.is_agent:
        raise NotAllowed
    task = TicketTask.objects.create(
        ticket=ticket, title=" ".join(title.split()), assignee=assignee, due_at=due_at,
        created_by=actor,
    )  # fmt: skip
    if assignee.id != actor.id:
        mails.task_assigned(task)
    return task


@transaction.atomic
def complete_task(*, task: TicketTask, actor: User) -> TicketTask:
    task = TicketTask.objects.select_for_update().get(id=task.id)
    if task.assignee_id != actor.id and not permissions.works_on(actor, task.ticket):
        raise NotAllowed
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return task


@transaction.atomic
def send_ticket_email(
    *, ticket: Ticket, actor: User, to: list[str], cc: list[str], subject: str, body: str, files=()
) -> TicketEntry:
    """A mail the agent writes, often from a template (S1 1.9.1): to the chosen people, with
    copies and files, sent by the outbox and kept on the ticket for the agents."""
    if not permissions.may_follow_up(actor, ticket) or not to:
        raise NotAllowed
    ticket = lock(ticket)
    now = timezone.now()
    entry = TicketEntry.objects.create(
        ticket=ticket, kind=TicketEntry.Kind.EMAIL, is_public=False, author=actor,
        body_html=text_to_html(body), body_text=body, created_at=now,
        data={"to": to, "cc": cc, "subject": subject},
    )  # fmt: skip
    store_attachments(entry, files)
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    mails.agent_email(entry, to=to, cc=cc, subject=subject, body=body)
    return entry
