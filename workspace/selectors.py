"""What one agent's socket may be told of changed tickets, and the panel's search over every
ticket an agent may see: all through the tickets gate."""

from datetime import timedelta

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts.models import User
from tickets.models import Notification
from tickets.permissions import visible_tickets
from tickets.queues import ROW_FIELDS, queue_counts, queue_sort_keys, queues_for
from tickets.search import text_match, typed_number
from tickets.workflow import ACTIVE, Status

from .models import LivePreference
from .permissions import team_condition


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


# The search's status groups, besides single statuses.
OPEN_GROUP = "open_any"
FINISHED_GROUP = "finished"
# The search's due filters, and the team view's figures of the same name.
OVERDUE = "overdue"
DUE_TODAY = "today"


def due_condition(due: str, now=None) -> Q:
    """Active tickets whose SLA clock runs and whose due date has passed (`overdue`) or comes
    before the end of the local day (`today`); Q() for anything else."""
    now = now or timezone.now()
    running = Q(status__in=ACTIVE, due_at__isnull=False, sla_paused_at__isnull=True)
    if due == OVERDUE:
        return running & Q(due_at__lt=now)
    if due == DUE_TODAY:
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return running & Q(due_at__gte=now, due_at__lt=midnight + timedelta(days=1))
    return Q()


# The search's order: the latest changed first, as the status index of tickets reads them.
SEARCH_SORT = queue_sort_keys("-updated")


def search_sort(criteria: dict) -> list:
    """The search's seek keys: the order asked, else the latest changed first."""
    return queue_sort_keys(criteria.get("sort")) if criteria.get("sort") else SEARCH_SORT


# The search's criteria that are one of the ticket's columns, as given.
_EXACT = {"department": "department", "category": "category", "product": "product",
          "priority": "priority", "severity": "severity", "agent": "assignee",
          "label": "progress_label", "channel": "channel"}  # fmt: skip
# The periods: the criterion and the lookup on the ticket's time it stands for.
_PERIODS = {
    "created_from": "created_at__date__gte",
    "created_to": "created_at__date__lte",
    "updated_from": "updated_at__date__gte",
    "updated_to": "updated_at__date__lte",
}


def search_tickets(user: User, criteria: dict):
    """Every ticket `user` may see, open or closed, that meets the search form's criteria
    (`TicketSearchForm.cleaned_data`): the gate first, then each criterion given."""
    tickets = visible_tickets(user)
    if criteria.get("number"):
        tickets = tickets.filter(number=criteria["number"])
    if criteria.get("q"):
        tickets = tickets.filter(text_match(criteria["q"], notes_for=user))
    if criteria.get("requester"):
        who = criteria["requester"].strip()
        tickets = tickets.filter(
            Q(requester__full_name__icontains=who) | Q(requester__email__icontains=who)
        )
    if criteria.get("organization"):
        tickets = tickets.filter(organization__name__icontains=criteria["organization"].strip())
    for name, column in _EXACT.items():
        if criteria.get(name):
            tickets = tickets.filter(**{column: criteria[name]})
    if criteria.get("team"):
        tickets = tickets.filter(team_condition(user))
    tickets = tickets.filter(due_condition(criteria.get("due") or ""))
    tickets = tickets.filter(_status_condition(criteria.get("status") or ""))
    for name, lookup in _PERIODS.items():
        if criteria.get(name):
            tickets = tickets.filter(**{lookup: criteria[name]})
    return tickets.select_related("requester", "organization", "assignee").only(
        *ROW_FIELDS, "created_at"
    )


def _status_condition(status: str) -> Q:
    if status == OPEN_GROUP:
        return Q(status__in=ACTIVE)
    if status == FINISHED_GROUP:
        return Q(status__in=[Status.RESOLVED, Status.CLOSED])
    if status:
        return Q(status=status)
    return Q()


def ticket_number_for(user: User, text: str) -> int | None:
    """The number typed in the top bar's "go to" box if `user` may see that ticket, else None:
    a ticket one may not see answers as one that does not exist."""
    number = typed_number(text)
    if number is None:
        return None
    return number if visible_tickets(user).filter(number=number).exists() else None
