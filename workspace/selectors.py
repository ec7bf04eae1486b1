"""What one agent's socket may be told of changed tickets, through the tickets gate."""

from django.db.models import Case, Value, When

from accounts.models import User
from tickets.models import Notification
from tickets.permissions import visible_tickets
from tickets.queues import queue_counts, queues_for

from .models import LivePreference


def changed_tickets(user: User, ticket_ids, *, queue: str | None) -> list[dict]:
    """Of `ticket_ids`, those `user` may see, each with its number, department and whether it
    is now in `queue` (one query; tickets they may not see are simply not there)."""
    in_queue: Value | Case = Value(False)
    conditions = queues_for(user)
    if queue in conditions:
        in_queue = Case(When(conditions[queue], then=Value(True)), default=Value(False))
    rows = (
        visible_tickets(user)
        .filter(id__in=sorted(ticket_ids))
        .annotate(in_queue=in_queue)
        .values("id", "number", "department_id", "in_queue")
        .order_by("id")
    )
    return [{**row, "in_queue": bool(row["in_queue"])} for row in rows]


def unread_count(user: User) -> int:
    """The bell's number, as the navigation counts it."""
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, ticket__trashed_at__isnull=True
    ).count()


def counts(user: User) -> dict[str, int]:
    return queue_counts(user)


def wants_new_ticket_alerts(user: User) -> bool:
    return LivePreference.objects.filter(user=user, new_ticket_alerts=True).exists()
