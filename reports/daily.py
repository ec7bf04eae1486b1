"""The rollup's per-day counts: TicketDay (tickets by the local day they were opened, their
status and dimensions) and StatusDay (status changes by their day, their ticket's opening
day, from, to and action, and the dimensions), so that Volume and Satisfaction add up a few
thousand rows a year instead of counting a million.

They are counted from the rollup's own rows (TicketFact, EntryFact), never from the tickets:
when `reports.rollup` makes a ticket's rows again, the counts of its old rows are written
negated (`count_out`) and those of its new rows added (`count_in`), and each day so touched
is summed up again into one row a set of dimensions (`sum_up`), the empty ones dropped. So
the counts stay what counting the rows gives, for the price of the changed tickets' own rows
and a day's few counts. `rebuild()` counts them all again.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, F, Max, QuerySet, Sum, Value

from tickets.models import TicketEntry

from .models import DayDimensions, EntryFact, StatusDay, TicketDay, TicketFact

# The columns of DayDimensions, as the rows name them.
DIMENSIONS = tuple(field.attname for field in DayDimensions._meta.fields)
TICKET_KEY = ("created_day", "status", *DIMENSIONS)
STATUS_KEY = ("day", "ticket_created_day", "data_from", "data_to", "data_action", *DIMENSIONS)
DAYS_AT_ONCE = 400  # days a statement sums up (bound parameters stay few)


def ticket_rows(facts: QuerySet, sign: int = 1) -> QuerySet:
    """The TicketDay columns counted from `facts` (TicketFact rows), negated if `sign` is -1."""
    return (
        facts.order_by()
        .values(**{f"f_{name}": F(name) for name in TICKET_KEY})
        .annotate(f_tickets=Count("pk") * Value(sign))
    )


def status_rows(facts: QuerySet, sign: int = 1) -> QuerySet:
    """The StatusDay columns counted from `facts` (EntryFact rows), likewise."""
    return (
        facts.filter(kind=TicketEntry.Kind.STATUS)
        .order_by()
        .values(**{f"f_{name}": F(name) for name in STATUS_KEY})
        .annotate(f_changes=Count("pk") * Value(sign))
    )


def _counted(ticket_ids: list[int], sign: int, insert) -> tuple[set[date], set[date]]:
    tickets = TicketFact.objects.filter(ticket_id__in=ticket_ids)
    entries = EntryFact.objects.filter(ticket_id__in=ticket_ids)
    insert(TicketDay, ticket_rows(tickets, sign))
    insert(StatusDay, status_rows(entries, sign))
    changed = entries.filter(kind=TicketEntry.Kind.STATUS).values_list("day", flat=True)
    return set(tickets.values_list("created_day", flat=True)), set(changed)


def count_out(ticket_ids: list[int], insert) -> tuple[set[date], set[date]]:
    """The counts of these tickets' rows taken away (written negated, `insert(model, rows)`
    writing a SELECT into a table), before the rows are made again; the days touched."""
    return _counted(ticket_ids, -1, insert)


def count_in(ticket_ids: list[int], insert) -> tuple[set[date], set[date]]:
    """The counts of these tickets' rows added, once they are made; the days touched."""
    return _counted(ticket_ids, 1, insert)


def _sum_up(model, key: tuple[str, ...], day: str, measure: str, days: list[date], insert):
    rows = model.objects.filter(**{f"{day}__in": days})
    last = rows.aggregate(last=Max("id"))["last"]
    if last is None:
        return
    summed = (
        rows.order_by()
        .values(**{f"f_{name}": F(name) for name in key})
        .annotate(**{f"f_{measure}": Sum(measure)})
        .exclude(**{f"f_{measure}": 0})
    )
    insert(model, summed)  # the sums come after the rows summed, which then go
    rows.filter(id__lte=last).delete()


def sum_up(opened: Iterable[date], changed: Iterable[date], insert) -> None:
    """The counts of these days summed up in the database: one row a day and set of
    dimensions, none empty."""
    opened, changed = sorted(set(opened)), sorted(set(changed))
    for start in range(0, len(opened), DAYS_AT_ONCE):
        days = opened[start : start + DAYS_AT_ONCE]
        _sum_up(TicketDay, TICKET_KEY, "created_day", "tickets", days, insert)
    for start in range(0, len(changed), DAYS_AT_ONCE):
        days = changed[start : start + DAYS_AT_ONCE]
        _sum_up(StatusDay, STATUS_KEY, "day", "changes", days, insert)


def rebuild(insert) -> None:
    """Every count made again from the rollup's rows."""
    TicketDay.objects.all().delete()
    StatusDay.objects.all().delete()
    insert(TicketDay, ticket_rows(TicketFact.objects.all()))
    insert(StatusDay, status_rows(EntryFact.objects.all()))
