"""The agents' notification bell (S3 "Hub de notificações"): rows written with the change."""

from django.utils import timezone

from accounts.models import DepartmentMembership, User
from core import live
from tickets.models import Notification, Ticket

Kind = Notification.Kind


def _ring(user_ids, ticket: Ticket, kind, *, actor: User) -> None:
    recipients = {uid for uid in user_ids if uid and uid != getattr(actor, "id", None)}
    Notification.objects.bulk_create(
        Notification(recipient_id=uid, ticket=ticket, kind=kind) for uid in sorted(recipients)
    )
    for uid in recipients:
        live.changed("bell", uid)


def assigned(ticket: Ticket, *, actor: User) -> None:
    _ring([ticket.assignee_id], ticket, Kind.ASSIGNED, actor=actor)


def customer_replied(ticket: Ticket, *, actor: User) -> None:
    _ring([ticket.assignee_id], ticket, Kind.CUSTOMER_REPLIED, actor=actor)


def escalation_answered(ticket: Ticket, *, actor: User) -> None:
    """A reply on an escalation tells the agent of the ticket it came from (S3 §4.6)."""
    parent = ticket.parent
    if parent is None:
        return
    parent_agent = parent.assignee_id or ticket.requester_id
    _ring([parent_agent], parent, Kind.ESCALATION_ANSWERED, actor=actor)


def transferred(ticket: Ticket, *, actor: User) -> None:
    members = DepartmentMembership.objects.filter(department_id=ticket.department_id)
    _ring(members.values_list("user_id", flat=True), ticket, Kind.TRANSFERRED, actor=actor)


def mark_read(notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
