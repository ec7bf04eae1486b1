"""Time worked's tickets most worked on: found among the tickets most worked on ever when that
settles it, and always the very ranking of summing every ticket's minutes in the period."""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from reports import rollup
from reports.filters import Filters
from reports.models import EntryFact, TicketFact
from reports.periods import Period
from reports.selectors import worked
from tickets.models import TicketEntry
from tickets.tests.factories import EntryFactory, TicketFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("America/Sao_Paulo")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def logged(ticket, author, day, minutes, month=3):
    return EntryFactory(
        ticket=ticket,
        kind=TicketEntry.Kind.TIME,
        is_public=False,
        author=author,
        created_at=datetime(2026, month, day, 10, tzinfo=LOCAL),
        minutes=minutes,
    )


def every_ticket_summed(user, filters) -> list[tuple[int, int]]:
    """What the tickets most worked on must be: every ticket's minutes of the period, summed."""
    ranked = (
        worked._entries(user, filters)
        .values("ticket_id")
        .annotate(total=Sum("minutes"))
        .order_by("-total", "ticket_id")
    )
    return [(row["ticket_id"], row["total"]) for row in ranked[: worked.TICKETS_SHOWN]]


def most_worked(user, filters) -> list[tuple[int, int]]:
    rollup.refresh()
    found = worked._most_worked(user, filters, worked._entries(user, filters))
    return [(row["ticket_id"], row["worked"]) for row in found]


@pytest.fixture
def few(monkeypatch):
    """Two tickets shown, four candidates: the cases below need a handful of tickets."""
    monkeypatch.setattr(worked, "TICKETS_SHOWN", 2)
    monkeypatch.setattr(worked, "CANDIDATES", 4)


def test_the_rollup_keeps_every_minute_logged_on_a_ticket(department, agent):
    ticket, idle = TicketFactory(department=department), TicketFactory(department=department)
    logged(ticket, agent, 2, 30)
    entry = logged(ticket, agent, 3, 45)
    rollup.rebuild()
    assert TicketFact.objects.get(ticket=ticket).minutes_worked == 75
    assert TicketFact.objects.get(ticket=idle).minutes_worked == 0
    entry.minutes = 15
    entry.save(update_fields=["minutes"])
    logged(idle, agent, 4, 10)
    rollup.refresh()
    assert TicketFact.objects.get(ticket=ticket).minutes_worked == 45
    assert TicketFact.objects.get(ticket=idle).minutes_worked == 10
    entry.delete()
    rollup.refresh()
    assert TicketFact.objects.get(ticket=ticket).minutes_worked == 30


def test_the_tickets_most_worked_on_ever_settle_it_when_they_lead_the_period(
    few, administrator, department, agent
):
    tickets = [TicketFactory(department=department) for _ in range(6)]
    for ticket, minutes in zip(tickets, [90, 80, 70, 60, 50, 40], strict=True):
        logged(ticket, agent, 5, minutes)
    rollup.refresh()
    filters = Filters(period=MARCH)
    with CaptureQueriesContext(connection) as queries:
        found = worked._most_worked(administrator, filters, worked._entries(administrator, filters))
    assert [row["ticket_id"] for row in found] == [tickets[0].id, tickets[1].id]
    assert len(queries) == 2  # the candidates, their minutes: no ticket else summed


def test_a_ticket_worked_on_before_the_period_sends_it_to_every_ticket(
    few, administrator, department, agent
):
    # The four most worked on ever were worked on in February: in March they log little.
    earlier = [TicketFactory(department=department) for _ in range(4)]
    for ticket in earlier:
        logged(ticket, agent, 10, 500, month=2)
        logged(ticket, agent, 2, 5)
    later = [TicketFactory(department=department) for _ in range(3)]
    for ticket, minutes in zip(later, [60, 50, 40], strict=True):
        logged(ticket, agent, 6, minutes)
    filters = Filters(period=MARCH)
    assert most_worked(administrator, filters) == [(later[0].id, 60), (later[1].id, 50)]
    assert most_worked(administrator, filters) == every_ticket_summed(administrator, filters)


def test_ties_go_to_the_older_ticket_whichever_way_it_is_found(
    few, administrator, department, agent
):
    tickets = [TicketFactory(department=department) for _ in range(7)]
    for ticket in tickets:
        logged(ticket, agent, 8, 30)
    filters = Filters(period=MARCH)
    assert most_worked(administrator, filters) == [(tickets[0].id, 30), (tickets[1].id, 30)]


def test_an_older_ticket_as_worked_on_as_the_last_candidate_is_not_left_out(
    few, administrator, department, agent
):
    t1, t2, t3, t4, t5, t6 = (TicketFactory(department=department) for _ in range(6))
    for ticket in (t5, t6):  # the most worked on ever: 470 minutes in February, 30 in March
        logged(ticket, agent, 10, 470, month=2)
        logged(ticket, agent, 9, 30)
    for ticket in (t1, t2):  # 30 minutes ever, 10 of them in March: the last candidates
        logged(ticket, agent, 10, 20, month=2)
        logged(ticket, agent, 9, 10)
    for ticket in (t3, t4):  # 30 minutes ever, all in March, older than t5 and t6
        logged(ticket, agent, 9, 30)
    filters = Filters(period=MARCH)
    assert most_worked(administrator, filters) == [(t3.id, 30), (t4.id, 30)]


@pytest.mark.parametrize("candidates", [4, 12, 40])  # 40: more than there are tickets
def test_the_ranking_is_every_ticket_summed_whatever_the_history(
    few,
    monkeypatch,
    candidates,
    administrator,
    manager,
    department,
    other_department,
    agent,
    other_agent,
):
    monkeypatch.setattr(worked, "CANDIDATES", candidates)
    chosen = random.Random(21)
    tickets = [
        TicketFactory(department=chosen.choice([department, other_department])) for _ in range(30)
    ]
    for _ in range(120):
        logged(
            chosen.choice(tickets),
            chosen.choice([agent, other_agent]),
            chosen.randrange(1, 28),
            chosen.choice([5, 10, 15, 30, 30, 60]),
            month=chosen.choice([1, 2, 3, 4]),
        )
    rollup.refresh()
    assert EntryFact.objects.filter(minutes__isnull=False).count() == 120
    periods = [Period(date(2026, 1, 1), date(2026, 4, 30))] + [
        Period(date(2026, month, 1), date(2026, month, days))
        for month in (1, 2, 3, 4)
        for days in (1, 7, 20, 28)
    ]
    for period in periods:
        for user, narrowed in (
            (administrator, {}),
            (administrator, {"department_id": other_department.id}),
            (administrator, {"agent_id": other_agent.id}),
            (manager, {}),
        ):
            filters = Filters(period=period, **narrowed)
            assert most_worked(user, filters) == every_ticket_summed(user, filters), (
                period,
                narrowed,
            )
