"""Time worked: the minutes agents logged, in hours with decimals (45 minutes are 0.75 h)."""

from django.db.models import Count, F, Q, Sum

from accounts.models import User
from tickets.models import Category, Ticket, TicketEntry

from .. import rollup
from ..filters import Filters
from .common import (
    fold,
    grouping_sets,
    hours,
    in_period,
    local_day,
    names,
    organization_names,
    people_names,
    rollup_in_use,
    scoped_entry_facts,
    scoped_facts,
    scoped_tickets,
)

TICKETS_SHOWN = 50


def _entries(user: User, filters: Filters):
    if rollup_in_use():
        entries = scoped_entry_facts(user, filters, by_assignee=False).filter(
            minutes__isnull=False, **in_period("created_at", filters)
        )
    else:
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


@rollup.fresh
def time_worked_totals(user: User, filters: Filters) -> dict:
    return _minutes(_entries(user, filters).aggregate(worked=Sum("minutes"), billed=BILLABLE))


# Minutes, their billable part and the entries, per grouping (SQL over `_measured` rows).
MEASURES = {
    "worked": "SUM(minutes)",
    "billed": "SUM(CASE WHEN billable THEN minutes END)",
    "entries": "COUNT(*)",
}
SETS = {
    "totals": (),
    # By id, named after (a join of the names for every row took a quarter of the query).
    "agents": ("author_id",),
    "organizations": ("organization_id",),
    "categories": ("category_id",),
    "days": ("day",),
}


def _measured(entries):
    if not rollup_in_use():  # the rollup's rows have the ticket's columns and the local day
        entries = entries.annotate(
            organization_id=F("ticket__organization_id"),
            category_id=F("ticket__category_id"),
            day=local_day("created_at"),
        )
    return entries.values(
        *{column for grouped in SETS.values() for column in grouped}, "minutes", "billable"
    )


def _by_ticket(user: User, filters: Filters, entries) -> list[dict]:
    """The tickets most worked on, with their number, title and organization."""
    if not rollup_in_use():
        return list(
            entries.values("ticket__number", "ticket__title", "ticket__organization__name")
            .annotate(worked=Sum("minutes"), billed=BILLABLE, entries=Count("id"))
            .order_by("-worked", "ticket_id")[:TICKETS_SHOWN]
        )
    top = _most_worked(user, filters, entries)
    named: dict[int, dict] = {
        row["id"]: dict(row)
        for row in Ticket.objects.filter(id__in=[row["ticket_id"] for row in top]).values(
            "id", "title", "organization__name"
        )
    }
    nothing: dict = {}
    return [
        {
            **row,
            "ticket__number": row["ticket_number"],
            "ticket__title": named.get(row["ticket_id"], nothing).get("title", ""),
            "ticket__organization__name": named.get(row["ticket_id"], nothing).get(
                "organization__name"
            ),
        }
        for row in top
    ]


# How many of the tickets most worked on ever are summed up for the period first.
CANDIDATES = 4 * TICKETS_SHOWN


def _most_worked(user: User, filters: Filters, entries) -> list[dict]:
    """The TICKETS_SHOWN tickets with the most minutes logged in the period (ties: the older
    first), exactly, without summing every ticket's minutes when it can be helped.

    No ticket logged more minutes in the period than in all (TicketFact.minutes_worked; the
    minutes are never negative). So sum the period only for the CANDIDATES tickets of the
    scope most worked on ever (read from an index); every other ticket has at most the
    last candidate's minutes ever. If the last of the tickets shown logged more in the
    period, or as much with an older ticket, no other ticket can pass it: that is the
    answer. Otherwise, every ticket of the period is summed. At 1,000,000 tickets a year's
    233,000 tickets with time took 300 ms to sum and rank."""
    summed = (
        entries.values("ticket_id", "ticket_number")
        .annotate(worked=Sum("minutes"), billed=BILLABLE, entries=Count("pk"))
        .order_by("-worked", "ticket_id")
    )
    ever = list(
        scoped_facts(user, filters, by_assignee=False)
        .filter(minutes_worked__gt=0)
        .order_by("-minutes_worked", "ticket_id")
        .values_list("ticket_id", "minutes_worked")[:CANDIDATES]
    )
    top = list(summed.filter(ticket_id__in=[ticket for ticket, _ in ever])[:TICKETS_SHOWN])
    if len(ever) < CANDIDATES:  # every ticket with time in the scope was a candidate
        return top
    last_ticket, bound = ever[-1]
    if len(top) == TICKETS_SHOWN and (
        top[-1]["worked"] > bound
        or (top[-1]["worked"] == bound and top[-1]["ticket_id"] <= last_ticket)
    ):
        return top
    return list(summed[:TICKETS_SHOWN])


@rollup.fresh
def time_worked_report(user: User, filters: Filters) -> dict:
    """Minutes logged in the period (by when they were logged), by agent, ticket,
    organization (with the billable part, what it may be billed), category and day, week or
    month. The groupings in one query, the tickets most worked on in two (`_most_worked`,
    three when the tickets most worked on ever do not settle it), one more compared."""
    entries = _entries(user, filters)
    found = grouping_sets(_measured(entries), SETS, MEASURES)
    by_ticket = _by_ticket(user, filters, entries)
    by_category = found["categories"]
    per_day = {row["day"]: row["worked"] for row in found["days"]}
    totals = _minutes(found["totals"][0] if found["totals"] else {"worked": 0, "billed": 0})
    categories = names(Category, [row["category_id"] for row in by_category])
    people = people_names(row["author_id"] for row in found["agents"])
    organizations = organization_names(row["organization_id"] for row in found["organizations"])

    def rows(found, name_of):
        listed = [
            {"name": name_of(row), **_minutes(row), "entries": row["entries"]} for row in found
        ]
        return sorted(listed, key=lambda row: (-row["minutes"], row["name"].casefold()))

    return {
        "totals": totals,
        "agents": rows(found["agents"], lambda row: people.get(row["author_id"]) or ""),
        "tickets": [
            {
                "number": row["ticket__number"],
                "title": row["ticket__title"],
                "organization": row["ticket__organization__name"] or "",
                **_minutes(row),
            }
            for row in by_ticket
        ],
        "organizations": rows(
            found["organizations"], lambda row: organizations.get(row["organization_id"]) or ""
        ),
        "categories": rows(by_category, lambda row: categories.get(row["category_id"], "")),
        "periods": [
            {"start": start, "minutes": minutes, "hours": hours(minutes)}
            for start, minutes in fold(per_day, filters).items()
        ],
        "previous": time_worked_totals(user, filters.previous()) if filters.compare else None,
    }
