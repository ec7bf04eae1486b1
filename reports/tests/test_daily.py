"""What the staff did per day (reports.daily, AuthorDay): hand-counted against the history of
reports/tests/dataset.py, kept equal to counting the rollup's rows through changes and a
rebuild, and giving the Agents report the figures the rows and the entries give."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.test import override_settings

from reports import daily, rollup, selectors
from reports.models import AuthorDay, EntryFact
from reports.periods import Period
from reports.selectors import agents
from reports.tests.dataset import LOCAL, K, _reply, _status, _time, at, filters
from tickets.models import Ticket, TicketEntry
from tickets.tests.factories import EntryFactory
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

MEASURES = ("entries", "claimed", "replies", "resolved", "minutes")


def _by_author_and_day(**chosen) -> dict:
    """{(author id, day): (entries, claimed, replies, resolved, minutes)} of the kept counts."""
    rows = (
        AuthorDay.objects.filter(**chosen)
        .values_list("author_id", "day")
        .annotate(*(Sum(name) for name in MEASURES))
        .order_by()
    )
    return {(author, day): tuple(measures) for author, day, *measures in rows}


COLUMNS = (*daily.AUTHOR_KEY, *daily.AUTHOR_MEASURES)


def _counted_from_rows() -> list:
    """The counts as counting the rollup's rows gives them now."""
    counted = daily.author_rows(EntryFact.objects.all())
    return sorted((tuple(row[f"f_{name}"] for name in COLUMNS) for row in counted), key=repr)


def _kept() -> list:
    """The counts kept, without their ids."""
    return sorted(AuthorDay.objects.values_list(*COLUMNS), key=repr)


def _day(day: int, month: int = 3) -> date:
    return date(2026, month, day)


def _history_counts(agent, other_agent) -> dict:
    """The history's staff work, counted by hand from the timeline of dataset.py (the
    customers' status changes are not counted: they are not staff)."""
    return {
        (agent.id, _day(26, 2)): (1, 0, 0, 1, 0),  # F resolved
        (agent.id, _day(27, 2)): (1, 0, 0, 0, 0),  # E pending
        # A claimed (assignment and status), answered; B answered with 30 min, waiting
        (agent.id, _day(2)): (5, 1, 2, 0, 30),
        (agent.id, _day(3)): (3, 0, 0, 2, 45),  # A: 45 min, resolved; B resolved
        (agent.id, _day(5)): (1, 0, 0, 0, 0),  # E waiting on the customer
        (agent.id, _day(6)): (1, 0, 1, 0, 0),  # D answered
        (agent.id, _day(9)): (3, 0, 0, 2, 60),  # D resolved, 60 min, resolved again
        (other_agent.id, _day(3)): (3, 0, 1, 1, 90),  # G answered, resolved, 90 min
    }


def test_the_counts_by_author_and_day_are_the_hand_counted_ones(history, agent, other_agent):
    rollup.refresh()
    assert _by_author_and_day() == _history_counts(agent, other_agent)
    assert _kept() == _counted_from_rows()
    # A and B share their dimensions: one row of that day.
    assert AuthorDay.objects.filter(author_id=agent.id, day=_day(2)).count() == 1


def test_the_counts_follow_every_change_and_a_rebuild(
    history, agent, other_agent, outsider, administrator
):
    rollup.refresh()
    a, c, d = (history.tickets[key] for key in "ACD")
    # The billing agent claims C, answers, resolves it and logs time on 7/3; the customer
    # answers too; A moves to Billing (as a bulk action does); D's time is deleted.
    Ticket.objects.filter(id=c.id).update(assignee=other_agent)
    EntryFactory(
        ticket=c, kind=K.ASSIGNMENT, is_public=False, author=other_agent, created_at=at(7, 10),
        data={"to": other_agent.full_name},
    )  # fmt: skip
    _reply(c, other_agent, at(7, 11))
    _status(c, other_agent, at(7, 12), Status.OPEN, Status.RESOLVED, "resolve")
    _time(c, other_agent, at(7, 13), 20)
    _reply(c, outsider, at(7, 14))
    Ticket.objects.filter(id=a.id).update(department=history.billing)
    TicketEntry.objects.filter(ticket=d, kind=K.TIME).delete()
    rollup.refresh()
    expected = _history_counts(agent, other_agent)
    expected[other_agent.id, _day(7)] = (4, 1, 1, 1, 20)
    expected[agent.id, _day(9)] = (2, 0, 0, 2, 0)
    assert _by_author_and_day() == expected
    # A's work of 2/3 and 3/3 counts in Billing now, B's stays in Support.
    assert _by_author_and_day(department_id=history.billing.id)[agent.id, _day(2)] == (
        3, 1, 1, 0, 0,
    )  # fmt: skip
    assert _by_author_and_day(department_id=history.support.id)[agent.id, _day(2)] == (
        2, 0, 1, 0, 30,
    )  # fmt: skip
    assert _by_author_and_day(assignee_id=other_agent.id) == {
        (other_agent.id, _day(3)): (3, 0, 1, 1, 90),
        (other_agent.id, _day(7)): (4, 1, 1, 1, 20),
    }
    assert _kept() == _counted_from_rows()
    kept = _kept()
    call_command("rebuild_report_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _kept() == kept


def test_a_role_change_counts_or_forgets_the_persons_work(history, agent, other_agent, outsider):
    rollup.refresh()
    outsider.role = outsider.Role.AGENT
    outsider.save()
    rollup.refresh()
    expected = _history_counts(agent, other_agent)
    # D's customer answered "not solved" on 9/3 and rated it on 10/3: two status changes.
    assert _by_author_and_day() == {
        **expected,
        (outsider.id, _day(9)): (1, 0, 0, 0, 0),
        (outsider.id, _day(10)): (1, 0, 0, 0, 0),
    }
    outsider.role = outsider.Role.CUSTOMER
    outsider.save()
    rollup.refresh()
    assert _by_author_and_day() == expected
    assert _kept() == _counted_from_rows()


def _agent_reports(user, chosen: dict) -> tuple:
    """The Agents report from the per-day counts, from the rollup's rows and from the
    tickets and entries."""
    asked = replace(filters(), **chosen)
    with override_settings(REPORTS_ROLLUP=True):
        by_day = selectors.agent_report(user, asked)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(agents, "counted_by_day", lambda _filters: False)
            by_rows = selectors.agent_report(user, asked)
    with override_settings(REPORTS_ROLLUP=False):
        computed = selectors.agent_report(user, asked)
    return by_day, by_rows, computed


# 3/3 to 9/3: without the claim and the answers of 2/3 (one at 23:30, 02:30 in UTC, on 3/3).
CUT = Period(date(2026, 3, 3), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("chosen", "figures"),
    [
        # agent: claimed, replies, resolved, minutes; the billing agent likewise
        ({}, ((1, 4, 4, 135), (0, 2, 2, 110))),
        ({"period": CUT}, ((0, 1, 4, 105), (0, 2, 2, 110))),
        ({"department": "support"}, ((1, 4, 4, 135), None)),
        ({"department": "billing"}, (None, (0, 2, 2, 110))),
        ({"agent": True}, ((1, 4, 4, 135), None)),
        ({"category": True, "period": CUT}, ((0, 0, 2, 45), None)),
    ],
)
def test_the_agents_report_gives_the_same_figures_with_and_without_the_daily_counts(
    history, agent, other_agent, administrator, chosen, figures
):
    a, c = history.tickets["A"], history.tickets["C"]
    _reply(a, agent, datetime(2026, 3, 2, 23, 30, tzinfo=LOCAL))
    _reply(c, other_agent, at(7, 11), minutes=20)
    _status(c, other_agent, at(7, 12), Status.OPEN, Status.RESOLVED, "resolve")
    Ticket.objects.filter(id=c.id).update(department=history.billing)
    _reply(c, agent, datetime(2026, 3, 11, 0, 30, tzinfo=LOCAL))  # after the period
    chosen = dict(chosen)
    department = chosen.pop("department", None)
    if department:
        chosen["department_id"] = getattr(history, department).id
    if chosen.pop("agent", False):
        chosen["agent_id"] = agent.id
    if chosen.pop("category", False):
        chosen["category_id"] = a.category_id
    by_day, by_rows, computed = _agent_reports(administrator, chosen)
    assert by_day == by_rows == computed
    found = {row["id"]: row for row in by_day["rows"]}
    for person, counted in zip((agent, other_agent), figures, strict=True):
        row = found.get(person.id)
        if counted is None:
            assert row is None or (row["claimed"], row["replies"], row["minutes"]) == (0, 0, 0)
            continue
        assert (row["claimed"], row["replies"], row["resolved"], row["minutes"]) == counted


def test_a_manager_sees_the_same_figures_with_and_without_the_daily_counts(history, agent, manager):
    by_day, by_rows, computed = _agent_reports(manager, {})
    assert by_day == by_rows == computed
    assert next(row for row in by_day["rows"] if row["id"] == agent.id)["replies"] == 3


def test_the_agents_report_reads_the_daily_counts(history, agent, administrator):
    rollup.refresh()
    before = {row["id"]: row for row in selectors.agent_report(administrator, filters())["rows"]}
    AuthorDay.objects.filter(author_id=agent.id).update(replies=F("replies") + 1)
    after = {row["id"]: row for row in selectors.agent_report(administrator, filters())["rows"]}
    days_in_period = AuthorDay.objects.filter(
        author_id=agent.id, day__range=(filters().period.first, filters().period.last)
    ).count()
    assert after[agent.id]["replies"] == before[agent.id]["replies"] + days_in_period
    # Filtered by organization, the rows are read (the counts keep no organization).
    organization = history.tickets["A"].organization_id
    by_rows = selectors.agent_report(administrator, filters(organization_id=organization))
    with override_settings(REPORTS_ROLLUP=False):
        computed = selectors.agent_report(administrator, filters(organization_id=organization))
    assert by_rows == computed
    assert next(row for row in by_rows["rows"] if row["id"] == agent.id)["replies"] == 2


def test_an_agent_no_longer_staff_who_holds_tickets_is_counted_from_the_rows(
    history, other_agent, administrator
):
    other_agent.role = other_agent.Role.CUSTOMER
    other_agent.save()
    rollup.refresh()
    assert not AuthorDay.objects.filter(author_id=other_agent.id).exists()
    by_day, by_rows, computed = _agent_reports(administrator, {})
    assert by_day == by_rows == computed
    row = next(row for row in by_day["rows"] if row["id"] == other_agent.id)
    assert (row["replies"], row["resolved"], row["minutes"], row["ratings"]) == (1, 1, 90, 1)
