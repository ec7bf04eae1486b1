"""The rollup's per-day counts: TicketDay (tickets by the local day they were opened, their
status and dimensions), StatusDay (status changes by their day, their ticket's opening
day, from, to and action, and the dimensions) and AuthorDay (what each member of the staff
did, by the entry's day and the dimensions), so that Volume, Satisfaction and Agents add up
a few thousand rows a year instead of counting millions.

They are counted from the rollup's own rows (TicketFact, EntryFact), never from the tickets:
when `reports.rollup` makes a ticket's rows again, the counts of its old rows are written
negated (`count_out`) and those of its new rows added (`count_in`), and each day so touched
is summed up again into one row a set of dimensions (`sum_up`), the empty ones dropped. So
the counts stay what counting the rows gives, for the price of the changed tickets' own rows
and a day's few counts. `rebuild()` counts them all again.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from tickets.models import TicketEntry
from tickets.workflow import Status

from .models import AuthorDay, DayDimensions, EntryFact, StatusDay, TicketDay, TicketFact

# The columns of DayDimensions, as the rows name them.
DIMENSIONS = tuple(field.attname for field in DayDimensions._meta.fields)
TICKET_KEY = ("created_day", "status", *DIMENSIONS)
STATUS_KEY = ("day", "ticket_created_day", "data_from", "data_to", "data_action", *DIMENSIONS)
AUTHOR_KEY = ("day", "author_id", *DIMENSIONS)
DAYS_AT_ONCE = 400  # days a statement sums up (bound parameters stay few)


def author_measures(claimed: Q, resolved: Q) -> dict:
    """What the Agents report counts of an author's entries, given how a claim and a change
    to resolved are told apart (the rollup's columns, or the entries' JSON)."""
    return {
        "entries": Count("pk"),
        "claimed": Count("pk", filter=claimed),
        "replies": Count("pk", filter=Q(kind=TicketEntry.Kind.REPLY)),
        "resolved": Count("pk", filter=Q(kind=TicketEntry.Kind.STATUS) & resolved),
        "minutes": Coalesce(Sum("minutes"), 0),
    }


# What AuthorDay counts of an author's rows (EntryFact): the Agents report's very measures.
AUTHOR_MEASURES = author_measures(Q(claimed=True), Q(data_to=Status.RESOLVED))


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


def author_rows(facts: QuerySet, sign: int = 1) -> QuerySet:
    """The AuthorDay columns counted from `facts` (EntryFact rows by staff), likewise."""
    return (
        facts.filter(by_staff=True)
        .order_by()
        .values(**{f"f_{name}": F(name) for name in AUTHOR_KEY})
        .annotate(**{f"f_{name}": count * Value(sign) for name, count in AUTHOR_MEASURES.items()})
    )


Days = tuple[set[date], set[date], set[date]]


def _counted(ticket_ids: list[int], sign: int, insert) -> Days:
    tickets = TicketFact.objects.filter(ticket_id__in=ticket_ids)
    entries = EntryFact.objects.filter(ticket_id__in=ticket_ids)
    insert(TicketDay, ticket_rows(tickets, sign))
    insert(StatusDay, status_rows(entries, sign))
    insert(AuthorDay, author_rows(entries, sign))
    changed = entries.filter(kind=TicketEntry.Kind.STATUS).values_list("day", flat=True)
    authored = entries.filter(by_staff=True).values_list("day", flat=True).distinct()
    return set(tickets.values_list("created_day", flat=True)), set(changed), set(authored)


def count_out(ticket_ids: list[int], insert) -> Days:
    """The counts of these tickets' rows taken away (written negated, `insert(model, rows)`
    writing a SELECT into a table), before the rows are made again; the days touched (by
    TicketDay, StatusDay and AuthorDay)."""
    return _counted(ticket_ids, -1, insert)


def count_in(ticket_ids: list[int], insert) -> Days:
    """The counts of these tickets' rows added, once they are made; the days touched."""
    return _counted(ticket_ids, 1, insert)


def _sum_up(model, key: tuple[str, ...], day: str, measures: tuple[str, ...], days, insert):
    """The rows of these days summed up, those whose first measure sums to 0 dropped (it
    counts every row: nothing is left of them)."""
    rows = model.objects.filter(**{f"{day}__in": days})
    last = rows.aggregate(last=Max("id"))["last"]
    if last is None:
        return
    summed = (
        rows.order_by()
        .values(**{f"f_{name}": F(name) for name in key})
        .annotate(**{f"f_{measure}": Sum(measure) for measure in measures})
        .exclude(**{f"f_{measures[0]}": 0})
    )
    insert(model, summed)  # the sums come after the rows summed, which then go
    rows.filter(id__lte=last).delete()


def sum_up(
    opened: Iterable[date], changed: Iterable[date], authored: Iterable[date], insert
) -> None:
    """The counts of these days summed up in the database: one row a day and set of
    dimensions (and author), none empty."""
    for model, key, day, measures, touched in (
        (TicketDay, TICKET_KEY, "created_day", ("tickets",), opened),
        (StatusDay, STATUS_KEY, "day", ("changes",), changed),
        (AuthorDay, AUTHOR_KEY, "day", tuple(AUTHOR_MEASURES), authored),
    ):
        ordered = sorted(set(touched))
        for start in range(0, len(ordered), DAYS_AT_ONCE):
            days = ordered[start : start + DAYS_AT_ONCE]
            _sum_up(model, key, day, measures, days, insert)


def rebuild(insert) -> None:
    """Every count made again from the rollup's rows."""
    TicketDay.objects.all().delete()
    StatusDay.objects.all().delete()
    AuthorDay.objects.all().delete()
    insert(TicketDay, ticket_rows(TicketFact.objects.all()))
    insert(StatusDay, status_rows(EntryFact.objects.all()))
    insert(AuthorDay, author_rows(EntryFact.objects.all()))
