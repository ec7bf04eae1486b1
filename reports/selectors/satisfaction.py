"""Satisfaction: the customers' ratings and their "not solved" answers."""

from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast, Coalesce

from accounts.models import Department, User
from tickets.models import Rating, TicketEntry
from tickets.workflow import Action, Status

from .. import rollup
from ..filters import Filters
from .common import (
    counted_by_day,
    grouping_sets,
    in_period,
    names,
    rollup_in_use,
    scoped_entry_facts,
    scoped_facts,
    scoped_status_days,
    scoped_tickets,
    share,
)

COMMENTS_SHOWN = 50
# The ratings counted and averaged, per grouping (SQL over the `_rated` rows).
MEASURES = {"count": "COUNT(*)", "average": "AVG(CAST(score AS DOUBLE PRECISION))"}
SETS = {
    "totals": (),
    "stars": ("score",),
    "agents": ("assignee_id",),
    "departments": ("department_id",),
}


def _ratings(user: User, filters: Filters):
    return Rating.objects.filter(
        ticket__in=scoped_tickets(user, filters), **in_period("created_at", filters)
    )


def _rated(user: User, filters: Filters):
    """The ratings given in the period, as rows of their stars and their ticket's agent and
    department: the rollup's rows of the rated tickets, or the ratings themselves."""
    if rollup_in_use():
        facts = scoped_facts(user, filters).filter(**in_period("rated_at", filters))
        return facts.values("assignee_id", "department_id", score=F("rating_score"))
    return _ratings(user, filters).values(
        "score", assignee_id=F("ticket__assignee_id"), department_id=F("ticket__department_id")
    )


def _not_solved(user: User, filters: Filters) -> dict:
    """Resolutions in the period, and the customers' "not solved" answers to them."""
    resolved, answered = Q(data_to=Status.RESOLVED), Q(data_action=Action.NOT_SOLVED)
    if counted_by_day(filters):
        days = scoped_status_days(user, filters).filter(
            day__range=(filters.period.first, filters.period.last)
        )
        counts = days.aggregate(
            resolutions=Coalesce(Sum("changes", filter=resolved), 0),
            not_solved=Coalesce(Sum("changes", filter=answered), 0),
        )
        return {**counts, "not_solved_share": share(counts["not_solved"], counts["resolutions"])}
    if rollup_in_use():
        changes = scoped_entry_facts(user, filters).filter(kind=TicketEntry.Kind.STATUS)
    else:
        changes = TicketEntry.objects.filter(
            kind=TicketEntry.Kind.STATUS, ticket__in=scoped_tickets(user, filters)
        )
        resolved, answered = Q(data__to=Status.RESOLVED), Q(data__action=Action.NOT_SOLVED)
    counts = changes.filter(**in_period("created_at", filters)).aggregate(
        resolutions=Count("pk", filter=resolved), not_solved=Count("pk", filter=answered)
    )
    return {**counts, "not_solved_share": share(counts["not_solved"], counts["resolutions"])}


def _totals(user: User, filters: Filters) -> dict:
    # As MEASURES computes them.
    average = Avg(Cast("score", FloatField()))
    return _rated(user, filters).aggregate(count=Count("*"), average=average)


@rollup.fresh
def satisfaction_totals(user: User, filters: Filters) -> dict:
    return {**_totals(user, filters), **_not_solved(user, filters)}


def _commented(user: User, filters: Filters):
    """The latest ratings with a comment, newest first, with their tickets."""
    ratings = Rating.objects.exclude(comment="")
    if rollup_in_use():
        latest = (
            scoped_facts(user, filters)
            .filter(rating_commented=True, **in_period("rated_at", filters))
            .order_by("-rated_at", "-rating_id")
            .values_list("rating_id", flat=True)[:COMMENTS_SHOWN]
        )
        ratings = ratings.filter(id__in=latest)
    else:
        ratings = ratings.filter(
            ticket__in=scoped_tickets(user, filters), **in_period("created_at", filters)
        )
    return (
        ratings.select_related("ticket")
        .only(
            "score", "comment", "created_at", "ticket__number", "ticket__title", "ticket__assignee"
        )
        .order_by("-created_at", "-id")[:COMMENTS_SHOWN]
    )


@rollup.fresh
def satisfaction_report(user: User, filters: Filters) -> dict:
    """Ratings given in the period: the average, the stars' distribution, by agent (the
    ticket's) and department, the latest comments; the share of resolutions the customer
    answered "not solved". Three queries, the groupings in one (five compared)."""
    found = grouping_sets(_rated(user, filters), SETS, MEASURES)
    by_agent, by_department = found["agents"], found["departments"]
    stars = {row["score"]: row["count"] for row in found["stars"]}
    agents = names(User, [row["assignee_id"] for row in by_agent])
    departments = names(Department, [row["department_id"] for row in by_department])
    comments = [
        {
            "number": rating.ticket.number,
            "title": rating.ticket.title,
            "score": rating.score,
            "comment": rating.comment,
            "created_at": rating.created_at,
            "agent": names(User, [rating.ticket.assignee_id]).get(rating.ticket.assignee_id, ""),
        }
        for rating in _commented(user, filters)
    ]
    totals = found["totals"][0] if found["totals"] else {"count": 0, "average": None}
    return {
        "totals": {**totals, **_not_solved(user, filters)},
        "stars": [{"score": score, "count": stars.get(score, 0)} for score in range(1, 6)],
        "agents": sorted(
            (
                {
                    "name": agents.get(row["assignee_id"], ""),
                    "count": row["count"],
                    "average": row["average"],
                }
                for row in by_agent
            ),
            key=lambda row: row["name"].casefold(),
        ),
        "departments": sorted(
            (
                {
                    "name": departments.get(row["department_id"], ""),
                    "count": row["count"],
                    "average": row["average"],
                }
                for row in by_department
            ),
            key=lambda row: row["name"].casefold(),
        ),
        "comments": comments,
        "previous": satisfaction_totals(user, filters.previous()) if filters.compare else None,
    }
