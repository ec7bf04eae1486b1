"""The rollup's per-day counts: TicketDay (tickets by the local day they were opened, their
status and dimensions) and StatusDay (status changes by their day, their ticket's opening
day, from, to and action, and the dimensions), so that Volume and Satisfaction add up a few
thousand rows a year instead of counting a million.

They are made from the rollup's own rows (TicketFact, EntryFact), never from the tickets: when
`reports.rollup` makes a ticket's rows again it gives the days those rows had and have, and
each such day's counts are made again whole from the rows of that day (a ticket's opening
day never moves, so a change remakes one day of tickets and the days of its status changes).
So the counts stay what counting the rows gives. `rebuild()` makes them all.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, F, QuerySet

from tickets.models import TicketEntry

from .models import EntryFact, StatusDay, TicketDay, TicketFact

DIMENSIONS = ("department_id", "assignee_id", "category_id", "product_id", "priority_id", "channel")
DAYS_AT_ONCE = 400  # days a statement remakes (bound parameters stay few)


def ticket_rows(facts: QuerySet) -> QuerySet:
    """The TicketDay columns counted from `facts` (TicketFact rows)."""
    return (
        facts.order_by()
        .values(
            f_created_day=F("created_day"),
            f_status=F("status"),
            **{f"f_{name}": F(name) for name in DIMENSIONS},
        )
        .annotate(f_tickets=Count("pk"))
    )


def status_rows(facts: QuerySet) -> QuerySet:
    """The StatusDay columns counted from `facts` (EntryFact rows)."""
    return (
        facts.filter(kind=TicketEntry.Kind.STATUS)
        .order_by()
        .values(
            f_day=F("day"),
            f_ticket_created_day=F("ticket_created_day"),
            f_data_from=F("data_from"),
            f_data_to=F("data_to"),
            f_data_action=F("data_action"),
            **{f"f_{name}": F(name) for name in DIMENSIONS},
        )
        .annotate(f_changes=Count("pk"))
    )


def days_of(ticket_ids: list[int]) -> tuple[set[date], set[date]]:
    """The days whose counts hold these tickets' rows: their opening days and the days of
    their status changes."""
    opened = TicketFact.objects.filter(ticket_id__in=ticket_ids).values_list(
        "created_day", flat=True
    )
    changed = EntryFact.objects.filter(
        ticket_id__in=ticket_ids, kind=TicketEntry.Kind.STATUS
    ).values_list("day", flat=True)
    return set(opened), set(changed)


def remake(opened: Iterable[date], changed: Iterable[date], insert) -> None:
    """The counts of these days made again from the rollup's rows (`insert(model, rows)`
    writes a SELECT into a table)."""
    opened, changed = sorted(set(opened)), sorted(set(changed))
    for start in range(0, len(opened), DAYS_AT_ONCE):
        days = opened[start : start + DAYS_AT_ONCE]
        TicketDay.objects.filter(created_day__in=days).delete()
        insert(TicketDay, ticket_rows(TicketFact.objects.filter(created_day__in=days)))
    for start in range(0, len(changed), DAYS_AT_ONCE):
        days = changed[start : start + DAYS_AT_ONCE]
        StatusDay.objects.filter(day__in=days).delete()
        insert(StatusDay, status_rows(EntryFact.objects.filter(day__in=days)))


def rebuild(insert) -> None:
    """Every count made again from the rollup's rows."""
    TicketDay.objects.all().delete()
    StatusDay.objects.all().delete()
    insert(TicketDay, ticket_rows(TicketFact.objects.all()))
    insert(StatusDay, status_rows(EntryFact.objects.all()))
