"""Time worked: the minutes agents logged, in hours with decimals (45 minutes are 0.75 h)."""

from django.db.models import Count, Sum

from accounts.models import User
from tickets.models import Category, TicketEntry

from ..filters import Filters
from .common import fold, hours, in_period, local_day, names, scoped_tickets

TICKETS_SHOWN = 50


def _entries(user: User, filters: Filters):
    entries = TicketEntry.objects.filter(
        minutes__isnull=False,
        ticket__in=scoped_tickets(user, filters, by_assignee=False),
        **in_period("created_at", filters),
    )
    if filters.agent_id is not None:
        entries = entries.filter(author_id=filters.agent_id)
    return entries.order_by()


def time_worked_totals(user: User, filters: Filters) -> dict:
    minutes = _entries(user, filters).aggregate(total=Sum("minutes"))["total"] or 0
    return {"minutes": minutes, "hours": hours(minutes)}


def _grouped(entries, *fields):
    return list(entries.values(*fields).annotate(minutes=Sum("minutes"), entries=Count("id")))


def time_worked_report(user: User, filters: Filters) -> dict:
    """Minutes logged in the period (by when they were logged), by agent, ticket,
    organization (every organization's total is what it may be billed: entries carry no
    billable flag), category and day, week or month. Six queries (seven compared)."""
    entries = _entries(user, filters)
    by_agent = _grouped(entries, "author_id", "author__full_name")
    by_ticket = list(
        entries.values("ticket__number", "ticket__title", "ticket__organization__name")
        .annotate(minutes=Sum("minutes"), entries=Count("id"))
        .order_by("-minutes", "ticket__number")[:TICKETS_SHOWN]
    )
    by_organization = _grouped(entries, "ticket__organization_id", "ticket__organization__name")
    by_category = _grouped(entries, "ticket__category_id")
    per_day = dict(
        entries.annotate(day=local_day("created_at"))
        .values("day")
        .annotate(minutes=Sum("minutes"))
        .values_list("day", "minutes")
    )
    total = entries.aggregate(total=Sum("minutes"))["total"] or 0
    categories = names(Category, [row["ticket__category_id"] for row in by_category])

    def rows(found, name_of):
        listed = [
            {
                "name": name_of(row),
                "minutes": row["minutes"],
                "hours": hours(row["minutes"]),
                "entries": row["entries"],
            }
            for row in found
        ]
        return sorted(listed, key=lambda row: (-row["minutes"], row["name"].casefold()))

    return {
        "totals": {"minutes": total, "hours": hours(total)},
        "agents": rows(by_agent, lambda row: row["author__full_name"] or ""),
        "tickets": [
            {
                "number": row["ticket__number"],
                "title": row["ticket__title"],
                "organization": row["ticket__organization__name"] or "",
                "minutes": row["minutes"],
                "hours": hours(row["minutes"]),
            }
            for row in by_ticket
        ],
        "organizations": rows(by_organization, lambda row: row["ticket__organization__name"] or ""),
        "categories": rows(by_category, lambda row: categories.get(row["ticket__category_id"], "")),
        "periods": [
            {"start": start, "minutes": minutes, "hours": hours(minutes)}
            for start, minutes in fold(per_day, filters).items()
        ],
        "previous": time_worked_totals(user, filters.previous()) if filters.compare else None,
    }
