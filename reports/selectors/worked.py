"""Time worked: the minutes agents logged, in hours with decimals (45 minutes are 0.75 h)."""

from django.db.models import Count, Q, Sum

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


BILLABLE = Sum("minutes", filter=Q(billable=True))


def _minutes(found: dict) -> dict:
    """Minutes and hours in all, and of them the billable ones."""
    total, billable = found["worked"] or 0, found["billed"] or 0
    return {
        "minutes": total,
        "hours": hours(total),
        "billable_minutes": billable,
        "billable_hours": hours(billable),
    }


def time_worked_totals(user: User, filters: Filters) -> dict:
    return _minutes(_entries(user, filters).aggregate(worked=Sum("minutes"), billed=BILLABLE))


def _grouped(entries, *fields):
    return list(
        entries.values(*fields).annotate(
            worked=Sum("minutes"), billed=BILLABLE, entries=Count("id")
        )
    )


def time_worked_report(user: User, filters: Filters) -> dict:
    """Minutes logged in the period (by when they were logged), by agent, ticket,
    organization (with the billable part, what it may be billed), category and day, week or
    month. Six queries (seven compared)."""
    entries = _entries(user, filters)
    by_agent = _grouped(entries, "author_id", "author__full_name")
    by_ticket = list(
        entries.values("ticket__number", "ticket__title", "ticket__organization__name")
        .annotate(worked=Sum("minutes"), billed=BILLABLE, entries=Count("id"))
        .order_by("-worked", "ticket__number")[:TICKETS_SHOWN]
    )
    by_organization = _grouped(entries, "ticket__organization_id", "ticket__organization__name")
    by_category = _grouped(entries, "ticket__category_id")
    per_day = dict(
        entries.annotate(day=local_day("created_at"))
        .values("day")
        .annotate(minutes=Sum("minutes"))
        .values_list("day", "minutes")
    )
    totals = _minutes(entries.aggregate(worked=Sum("minutes"), billed=BILLABLE))
    categories = names(Category, [row["ticket__category_id"] for row in by_category])

    def rows(found, name_of):
        listed = [
            {"name": name_of(row), **_minutes(row), "entries": row["entries"]} for row in found
        ]
        return sorted(listed, key=lambda row: (-row["minutes"], row["name"].casefold()))

    return {
        "totals": totals,
        "agents": rows(by_agent, lambda row: row["author__full_name"] or ""),
        "tickets": [
            {
                "number": row["ticket__number"],
                "title": row["ticket__title"],
                "organization": row["ticket__organization__name"] or "",
                **_minutes(row),
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
