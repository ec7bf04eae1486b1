"""What the reports share: the filtered tickets, durations in seconds, percentiles and the
grouping of days into weeks and months."""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Trunc
from django.utils import timezone

from accounts.models import Department, Organization, User
from core import kept
from tickets.models import Category, Priority, Product, Ticket
from tickets.workflow import Status

from .. import rollup
from ..filters import Filters
from ..models import AuthorDay, EntryFact, StatusDay, TicketDay, TicketFact
from ..permissions import report_days, report_facts, report_tickets

FINISHED = (Status.RESOLVED, Status.CLOSED)


def scoped_tickets(user: User, filters: Filters, *, by_assignee: bool = True) -> QuerySet:
    """The tickets the figures count: the gate's, narrowed by the filters (the agent filter
    is the ticket's agent unless `by_assignee` is false: time and replies are by author)."""
    return narrowed(report_tickets(user), filters, by_assignee=by_assignee)


def narrowed(tickets: QuerySet, filters: Filters, *, by_assignee: bool = True) -> QuerySet:
    """`tickets` (or rollup rows, which carry the same columns) narrowed by the filters."""
    fields = {
        "department_id": filters.department_id,
        "category_id": filters.category_id,
        "product_id": filters.product_id,
        "priority_id": filters.priority_id,
        "organization_id": filters.organization_id,
    }
    if by_assignee:
        fields["assignee_id"] = filters.agent_id
    chosen: dict[str, object] = {name: value for name, value in fields.items() if value is not None}
    if filters.channel:
        chosen["channel"] = filters.channel
    return tickets.filter(**chosen) if chosen else tickets


def rollup_in_use() -> bool:
    return rollup.in_use()


def scoped_facts(user: User, filters: Filters, *, by_assignee: bool = True) -> QuerySet:
    """`scoped_tickets` read from the rollup (TicketFact rows; `rollup.fresh` refreshes
    them as a report starts)."""
    return narrowed(report_facts(user, TicketFact), filters, by_assignee=by_assignee)


def scoped_entry_facts(user: User, filters: Filters, *, by_assignee: bool = True) -> QuerySet:
    """The counted entries (EntryFact rows) of the tickets of `scoped_tickets`."""
    return narrowed(report_facts(user, EntryFact), filters, by_assignee=by_assignee)


def counted_by_day(filters: Filters) -> bool:
    """Whether the per-day counts hold the figures (they keep no organization)."""
    return rollup_in_use() and filters.organization_id is None


def scoped_ticket_days(user: User, filters: Filters) -> QuerySet:
    """`scoped_facts` counted per day (TicketDay rows; see `counted_by_day`)."""
    return narrowed(report_days(user, TicketDay), filters)


def scoped_status_days(user: User, filters: Filters) -> QuerySet:
    """The status changes of `scoped_entry_facts` counted per day (StatusDay rows)."""
    return narrowed(report_days(user, StatusDay), filters)


def scoped_author_days(user: User, filters: Filters) -> QuerySet:
    """What the staff did among `scoped_entry_facts` (by author: the agent filter is not the
    ticket's agent), counted per day (AuthorDay rows)."""
    return narrowed(report_days(user, AuthorDay), filters, by_assignee=False)


def changed_to(status: str) -> Q:
    """Entries whose data "to" is `status`: the rollup's text column, or the JSON key."""
    return Q(data_to=status) if rollup_in_use() else Q(data__to=status)


def in_period(field: str, filters: Filters) -> dict:
    period = filters.period
    return {f"{field}__gte": period.start, f"{field}__lt": period.end}


class Seconds(Func):
    """`later - earlier` in seconds, as a float (NULL if either is NULL)."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"ROUND((julianday({later}) - julianday({earlier})) * 86400.0, 3)"
        return sql, (*later_params, *earlier_params)

    def as_postgresql(self, compiler, connection, **extra):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))::float", (
            *later_params,
            *earlier_params,
        )


def business_seconds(finished: str, due: str, hours: str):
    """Seconds from the ticket's opening to `finished`, without the time its SLA clock stood
    still. The services fold each pause that ended into the due dates (tickets.services.common:
    due = opened + the priority's hours + paused), so the pause is what the due date holds
    beyond the priority's hours; a ticket without SLA hours counts elapsed time."""
    elapsed = Seconds(F(finished), F("created_at"))
    paused = Coalesce(
        Seconds(F(due), F("created_at")) - F(hours) * Value(3600.0),
        Value(0.0),
        output_field=FloatField(),
    )
    return elapsed - Greatest(paused, Value(0.0), output_field=FloatField())


def first_response_seconds():
    return business_seconds(
        "first_response_at", "first_response_due_at", "priority__first_response_hours"
    )


def resolution_seconds():
    return business_seconds("finished_at", "due_at", "priority__resolution_hours")


def with_finished_at(tickets: QuerySet) -> QuerySet:
    return tickets.annotate(finished_at=Coalesce("resolved_at", "closed_at"))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float):
        super().__init__(expression, fraction=float(fraction))


def percentile(values: list[float], fraction: float) -> float | None:
    """As PERCENTILE_CONT: linear between the two nearest of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def uses_percentile_cont() -> bool:
    return connection.vendor == "postgresql"


def duration_stats(tickets: QuerySet, seconds, group: str | None) -> dict:
    """{group value: {"count", "median", "p90"}} of `seconds` over `tickets`, in one query;
    PostgreSQL computes the percentiles (by group as `duration_stats_by` does), elsewhere they
    are computed here."""
    if uses_percentile_cont() and group is not None:
        return duration_stats_by(tickets, seconds, (group,))[group]
    tickets = tickets.annotate(seconds=seconds).filter(seconds__isnull=False).order_by()
    if uses_percentile_cont():
        overall = tickets.aggregate(
            count=Count("pk"),
            median=PercentileCont("seconds", 0.5),
            p90=PercentileCont("seconds", 0.9),
        )
        return {None: overall} if overall["count"] else {}
    found: dict = defaultdict(list)
    if group:
        for key, value in tickets.values_list(group, "seconds"):
            found[key].append(value)
    else:
        found[None] = list(tickets.values_list("seconds", flat=True))
    return {
        key: {
            "count": len(values),
            "median": percentile(values, 0.5),
            "p90": percentile(values, 0.9),
        }
        for key, values in found.items()
        if values
    }


def duration_stats_by(tickets: QuerySet, seconds, groups: tuple[str, ...]) -> dict:
    """{None: overall, group: {group value: stats}} of `seconds` over `tickets`, as
    `duration_stats` gives them one group at a time, for every group in one query: one scan
    of the tickets (PostgreSQL's GROUPING SETS), not one a group.

    On PostgreSQL each group's seconds, to the second, are gathered into an array by a hash
    and sorted in C (intarray's `sort`), and the percentiles read from it as PERCENTILE_CONT
    would (linear between the two nearest): PERCENTILE_CONT grouped by sets sorted the rows
    again for every grouping and then inside every group, twice as long (at 100,000 tickets
    a year's first responses took 173-234 ms against 85-125; at 1,000,000, 2.2-2.7 s
    against 0.9-1.3)."""
    aliases = {f"g{n}": group for n, group in enumerate(groups)}
    rows = (
        tickets.annotate(seconds=seconds, **{alias: F(group) for alias, group in aliases.items()})
        .filter(seconds__isnull=False)
        .order_by()
        .values(*aliases, "seconds")
    )
    found: dict = {group: {} for group in groups}
    if not uses_percentile_cont():
        values: dict = defaultdict(list)
        for row in rows:
            values[None, None].append(row["seconds"])
            for alias, group in aliases.items():
                values[group, row[alias]].append(row["seconds"])
        for (group, key), measured in values.items():
            stats = {
                "count": len(measured),
                "median": percentile(measured, 0.5),
                "p90": percentile(measured, 0.9),
            }
            if group is None:
                found[None] = stats
            else:
                found[group][key] = stats
        return found
    inner, params = rows.query.sql_with_params()
    columns = ", ".join(f'"{alias}"' for alias in aliases)
    sets = ", ".join(["()", *(f'("{alias}")' for alias in aliases)])
    sql = (  # our own column names; the values are bound
        f"SELECT bits, {columns}, cardinality(sorted), "  # noqa: S608
        f"{_sorted_at('sorted', 0.5)}, {_sorted_at('sorted', 0.9)} FROM ("
        f"SELECT GROUPING({columns}) AS bits, {columns}, "
        "sort(array_agg(round(seconds)::integer)) AS sorted "
        f"FROM ({inner}) measured GROUP BY GROUPING SETS ({sets})) grouped"
    )
    width = len(groups)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bits, *keys, count, median, p90 in cursor.fetchall():
            if not count:  # the overall row of no tickets
                continue
            stats = {"count": count, "median": median, "p90": p90}
            # GROUPING() sets the bit of each column left out, the first column's highest.
            kept_in = [n for n in range(width) if not bits & (1 << (width - 1 - n))]
            if not kept_in:
                found[None] = stats
            else:
                found[groups[kept_in[0]]][keys[kept_in[0]]] = stats
    return found


def _sorted_at(array: str, fraction: float) -> str:
    """SQL of PERCENTILE_CONT(`fraction`) of a sorted integer array: the value at the position
    `fraction` of the way from its first to its last, linear between the two nearest (as
    PostgreSQL computes it, in double precision)."""
    position = f"({fraction}::float8 * (cardinality({array}) - 1))"
    low = f"{array}[1 + floor({position})::integer]"
    high = f"{array}[1 + ceil({position})::integer]"
    return f"({low} + ({high} - {low}) * ({position} - floor({position})))"


def grouping_sets(rows: QuerySet, sets: dict[str, tuple[str, ...]], measures: dict) -> dict:
    """{set name: [row]} of `measures` (name: SQL over the columns of `rows`, a `values()`
    queryset) grouped by each set of its columns, in one query: one scan for every grouping
    (PostgreSQL's GROUPING SETS; elsewhere, the same groupings joined by UNION ALL)."""
    inner, params = rows.order_by().query.sql_with_params()
    columns = sorted({column for grouped in sets.values() for column in grouped})

    def quoted(names) -> str:
        return ", ".join(f'"{name}"' for name in names)

    def mask(grouped) -> int:  # as GROUPING(): a bit for each column left out, the first highest
        return sum(
            1 << (len(columns) - 1 - n) for n, name in enumerate(columns) if name not in grouped
        )

    aggregates = ", ".join(f'{sql} AS "{name}"' for name, sql in measures.items())
    # Only our own column names and SQL are written into the query; the values are bound.
    if uses_percentile_cont():  # PostgreSQL
        listed = ", ".join(f"({quoted(grouped)})" for grouped in sets.values())
        sql = (
            f"SELECT GROUPING({quoted(columns)}), {quoted(columns)}, {aggregates} "  # noqa: S608
            f"FROM ({inner}) measured GROUP BY GROUPING SETS ({listed})"
        )
        bound = tuple(params)
    else:
        parts = []
        for grouped in sets.values():
            # A column left out is read and dropped (MIN keeps its type for the UNION).
            chosen = ", ".join(
                f'"{name}"' if name in grouped else f'MIN("{name}")' for name in columns
            )
            group_by = f" GROUP BY {quoted(grouped)}" if grouped else ""
            parts.append(
                f"SELECT {mask(grouped)}, {chosen}, {aggregates} "  # noqa: S608
                f"FROM ({inner}) measured{group_by}"
            )
        sql = " UNION ALL ".join(parts)
        bound = tuple(params) * len(parts)
    named = {mask(grouped): name for name, grouped in sets.items()}
    found: dict = {name: [] for name in sets}
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        for bits, *values in cursor.fetchall():
            row = dict(zip([*columns, *measures], values, strict=True))
            name = named[bits]
            found[name].append({key: row[key] for key in (*sets[name], *measures)})
    return found


def local_day(field: str):
    """The day of `field` in the site's time zone."""
    return Trunc(field, "day", output_field=DateField(), tzinfo=timezone.get_current_timezone())


def bucket_of(day: date, grain: str) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def buckets(filters: Filters) -> list[date]:
    """The first day of each day, week (from Monday) or month the period touches."""
    seen: list[date] = []
    for day in filters.period.day_list():
        start = bucket_of(day, filters.grain)
        if not seen or seen[-1] != start:
            seen.append(start)
    return seen


def fold(per_day: dict[date, int], filters: Filters) -> dict[date, int]:
    """Counts per day added up per bucket of the filters' grain."""
    folded: dict[date, int] = dict.fromkeys(buckets(filters), 0)
    for day, count in per_day.items():
        key = bucket_of(as_date(day), filters.grain)
        if key in folded:
            folded[key] += count
    return folded


def as_date(value) -> date:
    if isinstance(value, str):  # SQLite's day, read by a raw query
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def hours(minutes: int | None) -> float:
    """45 minutes are 0.75 h."""
    return round((minutes or 0) / 60, 2)


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def change(now, before):
    """The difference with the previous period (None when either is unknown)."""
    if now is None or before is None:
        return None
    return round(now - before, 2)


def names(model, ids: Iterable) -> dict:
    """Display names of kept rows (departments, categories, priorities, agents): no query."""
    table = kept.table(model)
    label = (lambda row: row.full_name) if model is User else (lambda row: row.display_name)
    return {key: label(table[key]) if key in table else "" for key in ids if key is not None}


def people_names(ids: Iterable) -> dict:
    """Full names of these people: the staff's from the kept table (no query), anyone else's
    (someone no longer staff) read from the users."""
    found = names(User, ids)
    missing = [key for key, name in found.items() if not name]
    if missing:
        found.update(User.objects.filter(id__in=missing).values_list("id", "full_name"))
    return found


def organization_names(ids: Iterable) -> dict:
    """Names of these organizations (one query; none when there is no organization)."""
    wanted = [key for key in ids if key is not None]
    if not wanted:
        return {}
    return dict(Organization.objects.filter(id__in=wanted).values_list("id", "name"))


KEPT_GROUPS = {
    "department_id": Department,
    "category_id": Category,
    "priority_id": Priority,
    "product_id": Product,
    "assignee_id": User,
}

CHANNELS = dict(Ticket.Channel.choices)
