"""SLA: the share of tickets answered and resolved within their due times, and the breaches."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Department, User
from tickets.workflow import ACTIVE

from .. import rollup
from ..filters import Filters
from .common import (
    FINISHED,
    in_period,
    names,
    rollup_in_use,
    scoped_facts,
    scoped_tickets,
    share,
    with_finished_at,
)

BREACHES_SHOWN = 100
BREACH_FIELDS = (
    "number",
    "title",
    "department",
    "assignee",
    "first_response_due_at",
    "first_response_at",
    "due_at",
    "resolved_at",
    "closed_at",
    "created_at",
)


def _conditions(now):
    first_due = Q(first_response_due_at__isnull=False)
    due = Q(due_at__isnull=False)
    # While the clock stands still (waiting on the customer) a ticket is late only if its due
    # time passed before the pause began.
    clock = Coalesce("sla_paused_at", now)
    return {
        "first_in_time": first_due & Q(first_response_at__lte=F("first_response_due_at")),
        "first_late": first_due
        & (
            Q(first_response_at__gt=F("first_response_due_at"))
            | Q(first_response_at__isnull=True, first_response_due_at__lt=now)
        ),
        "resolution_in_time": due & Q(status__in=FINISHED, finished_at__lte=F("due_at")),
        "resolution_late": due
        & (
            Q(status__in=FINISHED, finished_at__gt=F("due_at"))
            | Q(status__in=ACTIVE, due_at__lt=clock)
        ),
    }


def _counted(tickets, now) -> dict:
    conditions = _conditions(now)
    counted = {name: Count("pk", filter=condition) for name, condition in conditions.items()}
    late = conditions["first_late"] | conditions["resolution_late"]
    return {**counted, "breached": Count("pk", filter=late)}


def _with_shares(row: dict) -> dict:
    first = row["first_in_time"] + row["first_late"]
    resolution = row["resolution_in_time"] + row["resolution_late"]
    return {
        **row,
        "first_share": share(row["first_in_time"], first),
        "resolution_share": share(row["resolution_in_time"], resolution),
    }


def _opened(user: User, filters: Filters):
    """The tickets opened in the period: rollup rows, or the tickets themselves."""
    if rollup_in_use():
        tickets = scoped_facts(user, filters)
    else:
        tickets = with_finished_at(scoped_tickets(user, filters))
    return tickets.filter(**in_period("created_at", filters))


@rollup.fresh
def sla_totals(user: User, filters: Filters) -> dict:
    now = timezone.now()
    tickets = _opened(user, filters)
    return _with_shares(tickets.aggregate(**_counted(tickets, now)))


def _shown(late_rows) -> list:
    """The newest breaches, with `first_late`, `resolution_late` and `finished_at` (the
    rollup's rows with their ticket's number and title)."""
    if rollup_in_use():
        late_rows = late_rows.annotate(number=F("ticket__number"), title=F("ticket__title"))
        return list(late_rows.order_by("-created_at", "-ticket_id")[:BREACHES_SHOWN])
    return list(late_rows.only(*BREACH_FIELDS).order_by("-created_at", "-id")[:BREACHES_SHOWN])


@rollup.fresh
def sla_report(user: User, filters: Filters) -> dict:
    """Of the tickets opened in the period with due times: how many were answered and resolved
    in time and how many late (or still open past due), overall and by department; the
    breaches, newest first. Two queries (three compared)."""
    now = timezone.now()
    tickets = _opened(user, filters)
    counted = _counted(tickets, now)
    per_department = list(
        tickets.values("department_id").annotate(**counted).order_by("department_id")
    )
    # Every ticket has one department (or none, a group of its own): the totals are the sums.
    totals = _with_shares({name: sum(row[name] for row in per_department) for name in counted})
    labels = names(Department, [row["department_id"] for row in per_department])
    conditions = _conditions(now)
    late = conditions["first_late"] | conditions["resolution_late"]
    late_rows = tickets.filter(late).annotate(
        first_late=ExpressionWrapper(conditions["first_late"], output_field=BooleanField()),
        resolution_late=ExpressionWrapper(
            conditions["resolution_late"], output_field=BooleanField()
        ),
    )
    shown = _shown(late_rows)
    departments = names(Department, {ticket.department_id for ticket in shown})
    agents = names(User, {ticket.assignee_id for ticket in shown})
    breaches = [
        {
            "number": ticket.number,
            "title": ticket.title,
            "department": departments.get(ticket.department_id, ""),
            "agent": agents.get(ticket.assignee_id, ""),
            "first_response_due_at": ticket.first_response_due_at,
            "first_response_at": ticket.first_response_at,
            "due_at": ticket.due_at,
            "finished_at": ticket.finished_at,
            "first_late": ticket.first_late,
            "resolution_late": ticket.resolution_late,
        }
        for ticket in shown
    ]
    return {
        "totals": totals,
        "departments": [
            {**_with_shares(row), "name": labels.get(row["department_id"], "")}
            for row in per_department
        ],
        "breaches": breaches,
        "breach_count": totals["breached"],
        "previous": sla_totals(user, filters.previous()) if filters.compare else None,
    }
