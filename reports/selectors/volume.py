"""Volume: tickets created, resolved, closed and reopened, and the backlog at each day's end."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest

from accounts.models import User
from tickets.models import TicketEntry
from tickets.workflow import ACTIVE, Status

from .. import rollup
from ..filters import Filters
from .common import (
    as_date,
    changed_to,
    counted_by_day,
    fold,
    in_period,
    local_day,
    rollup_in_use,
    scoped_entry_facts,
    scoped_facts,
    scoped_status_days,
    scoped_ticket_days,
    scoped_tickets,
)

EVENTS = ("resolved", "closed", "reopened")
STATUSES = (Status.RESOLVED, Status.CLOSED, Status.REOPENED)


def _status_changes(tickets):
    return TicketEntry.objects.filter(kind=TicketEntry.Kind.STATUS, ticket__in=tickets).annotate(
        data_from=KeyTextTransform("from", "data"), data_to=KeyTextTransform("to", "data")
    )


def _sources(user: User, filters: Filters):
    """The tickets and their status changes (with `data_from` and `data_to`), and the local
    day each ticket was opened: rollup rows, or the tickets and entries themselves."""
    if rollup_in_use():
        changes = scoped_entry_facts(user, filters).filter(kind=TicketEntry.Kind.STATUS)
        return scoped_facts(user, filters), changes, "created_day", "ticket_created_day"
    tickets = scoped_tickets(user, filters)
    return tickets, _status_changes(tickets), None, None


def _totals_by_day(user: User, filters: Filters) -> dict:
    """`volume_totals` added up from the per-day counts."""
    days = (filters.period.first, filters.period.last)
    created = scoped_ticket_days(user, filters).filter(created_day__range=days)
    changes = scoped_status_days(user, filters).filter(day__range=days)
    counted = changes.aggregate(
        **{
            name: Coalesce(Sum("changes", filter=Q(data_to=status)), 0)
            for name, status in zip(EVENTS, STATUSES, strict=True)
        }
    )
    return {"created": created.aggregate(n=Coalesce(Sum("tickets"), 0))["n"], **counted}


@rollup.fresh
def volume_totals(user: User, filters: Filters) -> dict:
    """Tickets created, resolved, closed and reopened in the period (two queries)."""
    if counted_by_day(filters):
        return _totals_by_day(user, filters)
    tickets, changes, _day, _ticket_day = _sources(user, filters)
    created = tickets.filter(**in_period("created_at", filters)).count()
    counted = changes.filter(**in_period("created_at", filters)).aggregate(
        resolved=Count("pk", filter=changed_to(Status.RESOLVED)),
        closed=Count("pk", filter=changed_to(Status.CLOSED)),
        reopened=Count("pk", filter=changed_to(Status.REOPENED)),
    )
    return {"created": created, **counted}


def _clipped_day(field: str, eve: date, stored: str | None = None):
    """The local day of `field` (or the column `stored` that holds it), or the eve of the
    period for anything before it."""
    day = F(stored) if stored else Cast(local_day(field), DateField())
    return Greatest(day, Value(eve, DateField()), output_field=DateField())


def _opened_and_changes(user: User, filters: Filters, eve: date):
    """The tickets opened before the period's end, by the day they were opened (earlier ones
    on its eve) and their status now: (day, status, tickets); every status change since the
    period began, by its own day (those of the period move a ticket on that day) and by the
    day its ticket counts from (each is undone there): (day, counted from, from, to, changes).
    From the per-day counts, the rollup's rows, or the tickets and entries."""
    if counted_by_day(filters):
        opened = (
            scoped_ticket_days(user, filters)
            .filter(created_day__lte=filters.period.last)
            .annotate(opened_on=_clipped_day("created_at", eve, "created_day"))
            .values_list("opened_on", "status")
            .annotate(n=Sum("tickets"))
            .order_by()
        )
        changes = (
            scoped_status_days(user, filters)
            .filter(day__gte=filters.period.first)
            .annotate(counted_from=_clipped_day("ticket__created_at", eve, "ticket_created_day"))
            .values_list("day", "counted_from", "data_from", "data_to")
            .annotate(n=Sum("changes"))
            .order_by()
        )
        return opened, changes
    tickets, status_changes, created_day, ticket_day = _sources(user, filters)
    # Tickets opened before the period's end, by the day they were opened (earlier ones on its
    # eve) and their status now.
    opened = (
        tickets.filter(created_at__lt=filters.period.end)
        .annotate(opened_on=_clipped_day("created_at", eve, created_day))
        .values_list("opened_on", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    changes = (
        status_changes.filter(created_at__gte=filters.period.start)
        .annotate(
            changed_on=F("day") if ticket_day else local_day("created_at"),
            counted_from=_clipped_day("ticket__created_at", eve, ticket_day),
        )
        .values_list("changed_on", "counted_from", "data_from", "data_to")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return opened, changes


@rollup.fresh
def volume_report(user: User, filters: Filters) -> dict:
    """Per bucket (day, week or month) the tickets created and the status changes to resolved,
    closed and reopened; per day the tickets open at its end, by status. Two queries (four
    compared).

    The backlog works back from each ticket's status now: a ticket counts from the day it was
    opened in the status it had then (its status now, undone by every change it has had since
    the period began), and each change in the period moves it from one status to another on
    its day. Changes before the period cancel out, so only the period's are read."""
    eve = filters.period.first - timedelta(days=1)
    opened, changes = _opened_and_changes(user, filters, eve)
    created_per_day: dict = defaultdict(int)
    moves: dict = defaultdict(lambda: defaultdict(int))  # day -> status -> tickets gained
    for day, status, n in opened:
        moves[day][status] += n
        if day > eve:
            created_per_day[day] += n
    per_day: dict = defaultdict(lambda: defaultdict(int))
    last = filters.period.last
    for day, counted_from, old, new, n in changes:
        moves[counted_from][new] -= n
        moves[counted_from][old] += n
        day = as_date(day)
        if day > last:  # after the period (a later day of a range in the past)
            continue
        if new in EVENTS:
            per_day[day][new] += n
        moves[day][old] -= n
        moves[day][new] += n
    status_now: dict = defaultdict(int)
    backlog = []
    for status, n in moves[eve].items():
        status_now[status] += n
    for day in filters.period.day_list():
        for status, n in moves[day].items():
            status_now[status] += n
        by_status = {status.value: status_now[status] for status in ACTIVE}
        backlog.append({"day": day, "total": sum(by_status.values()), **by_status})
    series = {
        "created": fold(created_per_day, filters),
        **{name: fold({d: c[name] for d, c in per_day.items()}, filters) for name in EVENTS},
    }
    rows_out = [
        {"start": key, **{name: series[name][key] for name in series}} for key in series["created"]
    ]
    totals = {name: sum(values.values()) for name, values in series.items()}
    return {
        "rows": rows_out,
        "backlog": backlog,
        "totals": totals,
        "previous": volume_totals(user, filters.previous()) if filters.compare else None,
    }
