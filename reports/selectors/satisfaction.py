"""Satisfaction: the customers' ratings and their "not solved" answers."""

from django.db.models import Avg, Count, Q

from accounts.models import Department, User
from tickets.models import Rating, TicketEntry
from tickets.workflow import Action, Status

from ..filters import Filters
from .common import in_period, names, scoped_tickets, share

COMMENTS_SHOWN = 50


def _ratings(user: User, filters: Filters):
    return Rating.objects.filter(
        ticket__in=scoped_tickets(user, filters), **in_period("created_at", filters)
    )


def _not_solved(user: User, filters: Filters) -> dict:
    """Resolutions in the period, and the customers' "not solved" answers to them."""
    counts = TicketEntry.objects.filter(
        kind=TicketEntry.Kind.STATUS,
        ticket__in=scoped_tickets(user, filters),
        **in_period("created_at", filters),
    ).aggregate(
        resolutions=Count("id", filter=Q(data__to=Status.RESOLVED)),
        not_solved=Count("id", filter=Q(data__action=Action.NOT_SOLVED)),
    )
    return {**counts, "not_solved_share": share(counts["not_solved"], counts["resolutions"])}


def satisfaction_totals(user: User, filters: Filters) -> dict:
    totals = _ratings(user, filters).aggregate(count=Count("id"), average=Avg("score"))
    return {**totals, **_not_solved(user, filters)}


def satisfaction_report(user: User, filters: Filters) -> dict:
    """Ratings given in the period: the average, the stars' distribution, by agent (the
    ticket's) and department, the latest comments; the share of resolutions the customer
    answered "not solved". Six queries (eight compared)."""
    ratings = _ratings(user, filters).order_by()
    stars = dict(ratings.values("score").annotate(n=Count("id")).values_list("score", "n"))
    by_agent = list(
        ratings.values("ticket__assignee_id").annotate(count=Count("id"), average=Avg("score"))
    )
    by_department = list(
        ratings.values("ticket__department_id").annotate(count=Count("id"), average=Avg("score"))
    )
    agents = names(User, [row["ticket__assignee_id"] for row in by_agent])
    departments = names(Department, [row["ticket__department_id"] for row in by_department])
    comments = [
        {
            "number": rating.ticket.number,
            "title": rating.ticket.title,
            "score": rating.score,
            "comment": rating.comment,
            "created_at": rating.created_at,
            "agent": names(User, [rating.ticket.assignee_id]).get(rating.ticket.assignee_id, ""),
        }
        for rating in ratings.exclude(comment="")
        .select_related("ticket")
        .only(
            "score", "comment", "created_at", "ticket__number", "ticket__title", "ticket__assignee"
        )
        .order_by("-created_at", "-id")[:COMMENTS_SHOWN]
    ]
    totals = ratings.aggregate(count=Count("id"), average=Avg("score"))
    return {
        "totals": {**totals, **_not_solved(user, filters)},
        "stars": [{"score": score, "count": stars.get(score, 0)} for score in range(1, 6)],
        "agents": sorted(
            (
                {
                    "name": agents.get(row["ticket__assignee_id"], ""),
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
                    "name": departments.get(row["ticket__department_id"], ""),
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
