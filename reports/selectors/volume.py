"""Volume: tickets created, resolved, closed and reopened, and the backlog at each day's end."""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.fields.json import KeyTextTransform

from accounts.models import User
from tickets.models import TicketEntry
from tickets.workflow import ACTIVE, Status

from ..filters import Filters
from .common import FINISHED, fold, in_period, local_day, scoped_tickets

EVENTS = ("resolved", "closed", "reopened")
# A status change that ends the work (-1 open) or brings it back (+1 open).
_ENDS = Q(data__from__in=list(ACTIVE), data__to__in=list(FINISHED))
_RETURNS = Q(data__from__in=list(FINISHED), data__to__in=list(ACTIVE))


def _status_changes(tickets):
    return TicketEntry.objects.filter(kind=TicketEntry.Kind.STATUS, ticket__in=tickets).annotate(
        data_from=KeyTextTransform("from", "data"), data_to=KeyTextTransform("to", "data")
    )


def volume_totals(user: User, filters: Filters) -> dict:
    """Tickets created, resolved, closed and reopened in the period (two queries)."""
    tickets = scoped_tickets(user, filters)
    created = tickets.filter(**in_period("created_at", filters)).count()
    changes = (
        _status_changes(tickets)
        .filter(**in_period("created_at", filters))
        .aggregate(
            resolved=Count("id", filter=Q(data__to=Status.RESOLVED)),
            closed=Count("id", filter=Q(data__to=Status.CLOSED)),
            reopened=Count("id", filter=Q(data__to=Status.REOPENED)),
        )
    )
    return {"created": created, **changes}


def volume_report(user: User, filters: Filters) -> dict:
    """Per bucket (day, week or month) the tickets created and the status changes to resolved,
    closed and reopened; per day the tickets open at its end. Four queries (six compared)."""
    tickets = scoped_tickets(user, filters)
    start = filters.period.start
    created_per_day = dict(
        tickets.filter(**in_period("created_at", filters))
        .annotate(day=local_day("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
        .order_by()
    )
    per_day: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        _status_changes(tickets)
        .filter(**in_period("created_at", filters))
        .filter(Q(data__to__in=EVENTS) | _ENDS | _RETURNS)
        .annotate(day=local_day("created_at"))
        .values("day", "data_from", "data_to")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        day = per_day[row["day"]]
        if row["data_to"] in EVENTS:
            day[row["data_to"]] += row["n"]
        if row["data_from"] in ACTIVE and row["data_to"] in FINISHED:
            day["open"] -= row["n"]
        elif row["data_from"] in FINISHED and row["data_to"] in ACTIVE:
            day["open"] += row["n"]
    # The tickets open when the period starts: opened before, minus ended, plus returned.
    before = tickets.filter(created_at__lt=start).count()
    moves = (
        _status_changes(tickets)
        .filter(created_at__lt=start)
        .aggregate(ended=Count("id", filter=_ENDS), returned=Count("id", filter=_RETURNS))
    )
    open_now = before - moves["ended"] + moves["returned"]
    backlog = []
    for day in filters.period.day_list():
        open_now += created_per_day.get(day, 0) + per_day[day]["open"]
        backlog.append({"day": day, "open": open_now})
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
