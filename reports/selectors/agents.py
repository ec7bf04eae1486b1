"""Agents: what each agent did in the period."""

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform

from accounts.models import User
from core import kept
from tickets.configuration import agents_of
from tickets.models import Rating, TicketEntry
from tickets.workflow import Status

from .. import rollup
from ..daily import author_measures
from ..filters import Filters
from ..permissions import report_department_ids
from .common import (
    changed_to,
    counted_by_day,
    duration_stats,
    first_response_seconds,
    hours,
    in_period,
    rollup_in_use,
    scoped_author_days,
    scoped_entry_facts,
    scoped_facts,
    scoped_tickets,
)

COUNTED = Q(
    kind__in=[TicketEntry.Kind.ASSIGNMENT, TicketEntry.Kind.REPLY, TicketEntry.Kind.STATUS]
) | Q(minutes__isnull=False)


@rollup.fresh
def agent_report(user: User, filters: Filters) -> dict:
    """Per agent: tickets claimed, public replies, resolutions and minutes logged in the
    period (by what they did), the median first response of the tickets they hold that were
    first answered in the period, and the average rating of those rated in it. Three
    queries: what the staff did is added up from the per-day counts (AuthorDay) where they
    hold it, else counted from the entries' rows or the entries."""
    if rollup_in_use():
        tickets = scoped_facts(user, filters, by_assignee=False)
        entries = scoped_entry_facts(user, filters, by_assignee=False)
        first_seconds = F("first_response_seconds")
        claimed = Q(claimed=True)  # the rollup's flag: no join of the authors
        # The rated tickets' rows carry their rating.
        ratings = tickets.filter(**in_period("rated_at", filters)).annotate(score=F("rating_score"))
    else:
        tickets = scoped_tickets(user, filters, by_assignee=False)
        entries = TicketEntry.objects.filter(ticket__in=tickets).annotate(
            data_to=KeyTextTransform("to", "data")
        )
        first_seconds = first_response_seconds()
        claimed = Q(kind=TicketEntry.Kind.ASSIGNMENT, data_to=F("author__full_name"))
        ratings = Rating.objects.filter(
            ticket__in=tickets, **in_period("created_at", filters)
        ).annotate(assignee_id=F("ticket__assignee_id"))
    # Only the kinds counted: not the messages, notes and the rest.
    entries = entries.filter(COUNTED, author__isnull=False, **in_period("created_at", filters))
    answered = tickets.filter(**in_period("first_response_at", filters))
    if filters.agent_id is not None:  # one row: only that agent's
        entries = entries.filter(author_id=filters.agent_id)
        answered = answered.filter(assignee_id=filters.agent_id)
        ratings = ratings.filter(assignee_id=filters.agent_id)
    first = duration_stats(answered, first_seconds, "assignee_id")
    rated = {
        row["assignee_id"]: row
        for row in ratings.values("assignee_id")
        .annotate(count=Count("pk"), average=Avg("score"))
        .order_by()
    }
    departments = report_department_ids(user)
    if filters.department_id is not None:
        departments = frozenset([filters.department_id])
    people = {person.id: person.full_name for person in agents_of(departments)}
    named = {key for key in (*first, *rated) if key is not None}
    staff = kept.table(User)
    if counted_by_day(filters):
        done = _done_by_day(user, filters)
        # The counts keep the staff's work alone: someone else the report names (an agent
        # no longer staff who still holds tickets) is counted from the rows.
        others = sorted(key for key in named if key not in staff)
        if others:
            done |= _done(entries.filter(author_id__in=others), claimed)
    else:
        done = _done(entries, claimed)
    wanted = set(people) | named
    wanted |= {key for key in done if key in staff}
    if filters.agent_id is not None:
        wanted &= {filters.agent_id}
    rows = []
    for person_id in wanted:
        row: dict = done.get(person_id, {})
        rows.append(
            {
                "id": person_id,
                "name": people.get(person_id) or getattr(staff.get(person_id), "full_name", ""),
                "claimed": row.get("claimed", 0),
                "replies": row.get("replies", 0),
                "resolved": row.get("resolved", 0),
                "first_response_median": _get(first, person_id, "median"),
                "rating_average": _get(rated, person_id, "average"),
                "ratings": _get(rated, person_id, "count") or 0,
                "minutes": row.get("minutes") or 0,
                "hours": hours(row.get("minutes")),
            }
        )
    return {"rows": sorted(rows, key=lambda row: row["name"].casefold())}


def _done(entries: QuerySet, claimed: Q) -> dict[int, dict]:
    """{author id: claimed, replies, resolved, minutes} counted from `entries`."""
    measures = author_measures(claimed, changed_to(Status.RESOLVED))
    found = entries.values("author_id").annotate(**measures).order_by()
    return {row["author_id"]: dict(row) for row in found}


def _done_by_day(user: User, filters: Filters) -> dict[int, dict]:
    """`_done` of the scoped entries of the period, added up from the per-day counts (the
    period is whole local days, the entries' `day`)."""
    days = scoped_author_days(user, filters).filter(
        day__range=(filters.period.first, filters.period.last)
    )
    if filters.agent_id is not None:
        days = days.filter(author_id=filters.agent_id)
    found = (
        days.values("author_id")
        .annotate(
            claimed=Sum("claimed"),
            replies=Sum("replies"),
            resolved=Sum("resolved"),
            minutes=Sum("minutes"),
        )
        .order_by()
    )
    return {row["author_id"]: dict(row) for row in found}


def _get(found: dict, key, name: str):
    row: dict = found.get(key) or {}
    return row.get(name)
