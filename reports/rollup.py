"""The reports' rollup: one narrow row a ticket (TicketFact) and one a counted entry
(EntryFact), so a report over a year reads indexed narrow rows instead of the tickets and
their entries; and counts of those rows per day (reports.daily: TicketDay, StatusDay,
AuthorDay), made again for the days of the rows made again.

How it stays exact: triggers in the database (PostgreSQL and SQLite alike, migration
0003_reports_rollup) write the id of every ticket whose row, entries or priority hours change
into RollupChange, in the same transaction as the change, whatever wrote it (a service, an
`update()`, the admin, a merge, the trash, a deletion; an author renamed or given another
role marks the tickets of their entries). Every report first calls `refresh()`:
it takes the ids written since and makes those tickets' rows again from the tickets
themselves, with the same expressions the reports used to compute at each request. So a
report sees every change committed before it, as before; a beat task refreshes every minute
as well, so the work left to a request stays small. `rebuild()` (`manage.py
rebuild_report_rollup`) makes every row again.

The local days are those of the site's time zone when the rows were made: after changing
TIME_ZONE, rebuild.
"""

import functools
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from core.planning import custom_plans
from tickets.models import Ticket, TicketEntry

from . import daily
from .models import (
    AuthorDay,
    EntryFact,
    RollupChange,
    StatusDay,
    TicketDay,
    TicketDimensions,
    TicketFact,
)

# The entries a report counts: status changes (volume, agents), assignments and public
# replies (agents) and time logged (time worked, agents).
COUNTED_KINDS = [TicketEntry.Kind.STATUS, TicketEntry.Kind.ASSIGNMENT, TicketEntry.Kind.REPLY]
# The ticket's columns its rows and its entries' rows carry (TicketDimensions).
DIMENSIONS = tuple(field.attname for field in TicketDimensions._meta.fields)
CHUNK = 5_000
LOCK = 7_202_612  # the advisory lock that lets one refresh run at a time (PostgreSQL)


def in_use() -> bool:
    return settings.REPORTS_ROLLUP


def _local_day(field: str):
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def _ticket_rows(tickets: QuerySet) -> QuerySet:
    """The TicketFact columns of `tickets`, as a SELECT whose aliases are the columns."""
    # The very expressions the reports computed at each request (imported here: the
    # selectors read this module).
    from .selectors.common import first_response_seconds, resolution_seconds

    return (
        tickets.filter(trashed_at__isnull=True)
        .annotate(finished_at=Coalesce("resolved_at", "closed_at"))
        .order_by()
        .values(
            f_ticket_id=F("id"),
            **{f"f_{name}": F(name) for name in DIMENSIONS},
            f_status=F("status"),
            f_created_at=F("created_at"),
            f_created_day=_local_day("created_at"),
            f_first_response_at=F("first_response_at"),
            f_first_response_due_at=F("first_response_due_at"),
            f_finished_at=F("finished_at"),
            f_due_at=F("due_at"),
            f_sla_paused_at=F("sla_paused_at"),
            f_first_response_seconds=first_response_seconds(),
            f_resolution_seconds=resolution_seconds(),
            f_rating_id=F("rating__id"),
            f_rating_score=F("rating__score"),
            f_rated_at=F("rating__created_at"),
            f_rating_commented=Case(
                When(Q(rating__isnull=False) & ~Q(rating__comment=""), then=Value(True)),
                default=Value(False),
            ),
            f_minutes_worked=Coalesce(_minutes_logged(), Value(0)),
        )
    )


def _minutes_logged() -> Subquery:
    """Every minute logged on the ticket (what its EntryFact rows with minutes add up to)."""
    logged = (
        TicketEntry.objects.filter(ticket=OuterRef("id"), minutes__isnull=False)
        .order_by()
        .values("ticket")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Subquery(logged)


def _entry_rows(entries: QuerySet) -> QuerySet:
    """The EntryFact columns of `entries`, likewise."""
    claim = Q(kind=TicketEntry.Kind.ASSIGNMENT, assigned_to=F("author__full_name"))
    staff = Q(author__role__in=User.STAFF_ROLES)
    return (
        entries.filter(Q(kind__in=COUNTED_KINDS) | Q(minutes__isnull=False))
        .filter(ticket__trashed_at__isnull=True)
        .annotate(assigned_to=KeyTextTransform("to", "data"))
        .order_by()
        .values(
            f_entry_id=F("id"),
            f_ticket_id=F("ticket_id"),
            f_kind=F("kind"),
            f_author_id=F("author_id"),
            f_created_at=F("created_at"),
            f_day=_local_day("created_at"),
            f_data_from=KeyTextTransform("from", "data"),
            f_data_to=KeyTextTransform("to", "data"),
            f_data_action=KeyTextTransform("action", "data"),
            f_minutes=F("minutes"),
            f_billable=F("billable"),
            f_claimed=Case(When(claim, then=Value(True)), default=Value(False)),
            f_by_staff=Case(When(staff, then=Value(True)), default=Value(False)),
            f_ticket_number=F("ticket__number"),
            f_ticket_created_day=_local_day("ticket__created_at"),
            **{f"f_{name}": F(f"ticket__{name}") for name in DIMENSIONS},
        )
    )


def _insert(model, rows: QuerySet) -> None:
    """INSERT INTO the rollup table SELECT `rows`: one statement, in the database."""
    inner, params = rows.query.sql_with_params()
    aliases = [*rows.query.values_select, *rows.query.annotation_select]
    columns = ", ".join(f'"{alias[2:]}"' for alias in aliases)
    chosen = ", ".join(f'"{alias}"' for alias in aliases)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {chosen} FROM ({inner}) made"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _make(ticket_ids: list[int]) -> None:
    """The rows of these tickets made again (none for a ticket gone or in the trash), their
    per-day counts taken out and put back, and the days touched summed up."""
    touched: tuple[set, set, set] = (set(), set(), set())  # opened, changed, authored
    for start in range(0, len(ticket_ids), CHUNK):
        chunk = ticket_ids[start : start + CHUNK]
        for days, more in zip(touched, daily.count_out(chunk, _insert), strict=True):
            days |= more
        EntryFact.objects.filter(ticket_id__in=chunk).delete()
        TicketFact.objects.filter(ticket_id__in=chunk).delete()
        _insert(TicketFact, _ticket_rows(Ticket.objects.filter(id__in=chunk)))
        _insert(EntryFact, _entry_rows(TicketEntry.objects.filter(ticket_id__in=chunk)))
        for days, more in zip(touched, daily.count_in(chunk, _insert), strict=True):
            days |= more
    daily.sum_up(*touched, _insert)


def _taken() -> list[int]:
    """The tickets changed since the last refresh, their marks removed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            cursor.execute(f"DELETE FROM {RollupChange._meta.db_table} RETURNING ticket_id")  # noqa: S608
            return sorted({row[0] for row in cursor.fetchall()})
    marks = list(RollupChange.objects.values_list("id", "ticket_id"))
    if not marks:
        return []
    RollupChange.objects.filter(id__lte=max(mark for mark, _ in marks)).delete()
    return sorted({ticket for _, ticket in marks})


# Beyond this many marks (a migration marks every ticket, a bulk job thousands) one rebuild
# in set-based SQL is faster than remaking the marked tickets chunk by chunk.
REBUILD_AT = 50_000


def refresh() -> int:
    """Make again the rows of the tickets changed since the last refresh; how many. One small
    query when nothing changed."""
    if not RollupChange.objects.exists():
        return 0
    if RollupChange.objects.all()[REBUILD_AT : REBUILD_AT + 1].exists():
        rebuild()
        return TicketFact.objects.count()
    with transaction.atomic():
        changed = _taken()
        _make(changed)
    return len(changed)


def rebuild() -> None:
    """Every row made again from the tickets and their entries."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        RollupChange.objects.all().delete()
        EntryFact.objects.all().delete()
        TicketFact.objects.all().delete()
        _insert(TicketFact, _ticket_rows(Ticket.objects.all()))
        _insert(EntryFact, _entry_rows(TicketEntry.objects.all()))
        daily.rebuild(_insert)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (TicketFact, EntryFact, TicketDay, StatusDay, AuthorDay):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


_refreshed: ContextVar[bool] = ContextVar("report_rollup_refreshed", default=False)


def fresh(report):
    """A report that reads the rollup: refreshed once as it starts (not again for the
    previous period's figures it asks for inside), its queries planned for their values."""

    @functools.wraps(report)
    def read(*args, **kwargs):
        if _refreshed.get():
            return report(*args, **kwargs)
        token = _refreshed.set(True)
        try:
            # Planned for the period asked, not for any (core.planning).
            with custom_plans():
                if in_use():
                    refresh()
                return report(*args, **kwargs)
        finally:
            _refreshed.reset(token)

    return read
