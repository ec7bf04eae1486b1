"""Each figure against the hand-counted history of reports/tests/dataset.py."""

from datetime import date, datetime

import pytest

from accounts.models import User
from core import kept
from reports import selectors
from reports.selectors import common
from reports.tests.dataset import LOCAL, _status, at, filters
from tickets.models import Ticket
from tickets.tests.factories import ProductFactory, TicketFactory
from tickets.workflow import Status

pytestmark = pytest.mark.django_db
H = 3600


def test_volume_counts_created_resolved_closed_and_reopened_per_day(manager, history):
    report = selectors.volume_report(manager, filters(grain="day"))
    by_day = {row["start"]: row for row in report["rows"]}
    assert report["totals"] == {"created": 4, "resolved": 4, "closed": 2, "reopened": 1}
    assert by_day[date(2026, 3, 2)]["created"] == 2
    assert by_day[date(2026, 3, 3)]["resolved"] == 2
    assert by_day[date(2026, 3, 9)] == {
        "start": date(2026, 3, 9),
        "created": 0,
        "resolved": 2,
        "closed": 0,
        "reopened": 1,
    }
    assert by_day[date(2026, 3, 10)]["closed"] == 1
    assert len(report["rows"]) == 10
    assert report["previous"] is None


def test_volume_backlog_is_open_tickets_at_each_days_end(manager, history):
    report = selectors.volume_report(manager, filters())
    backlog = [row["total"] for row in report["backlog"]]
    assert backlog == [1, 3, 1, 1, 2, 3, 3, 3, 2, 2]


def test_volume_backlog_by_status(manager, history):
    """E's change before the period is undone from its status now; A's "new" lasted an hour."""
    report = selectors.volume_report(manager, filters())
    columns = ("new", "open", "waiting_customer", "pending", "reopened")
    by_status = [tuple(row[name] for name in columns) for row in report["backlog"]]
    assert by_status == [
        (0, 0, 0, 1, 0),
        (0, 2, 0, 1, 0),
        (0, 0, 0, 1, 0),
        (0, 0, 0, 1, 0),
        (0, 1, 1, 0, 0),
        (0, 2, 1, 0, 0),
        (0, 2, 1, 0, 0),
        (0, 2, 1, 0, 0),
        (0, 1, 1, 0, 0),
        (0, 1, 1, 0, 0),
    ]
    assert all(row["total"] == sum(row[name] for name in columns) for row in report["backlog"])


def test_volume_backlog_by_status_for_a_filter_and_the_administrator(
    manager, administrator, history, other_organization
):
    globex = selectors.volume_report(manager, filters(organization_id=other_organization.id))
    assert [row["total"] for row in globex["backlog"]] == [0, 0, 0, 0, 1, 2, 2, 2, 1, 1]
    assert [row["reopened"] for row in globex["backlog"]] == [0] * 10
    # Billing's G was opened and resolved on 3/3: nothing more at any day's end.
    everyone = selectors.volume_report(administrator, filters())
    assert everyone["backlog"] == selectors.volume_report(manager, filters())["backlog"]


def test_volume_leaves_out_the_changes_after_the_period_but_undoes_them_for_the_backlog(
    manager, agent, history
):
    """C, open at the period's end, is resolved two days after it: the period's rows and its
    backlog stay as they were (its status now is undone back to open)."""
    before = selectors.volume_report(manager, filters())
    late = history.tickets["C"]
    late.status = Status.RESOLVED
    late.save(update_fields=["status"])
    _status(late, agent, at(12, 9), Status.OPEN, Status.RESOLVED, "resolve")
    after = selectors.volume_report(manager, filters())
    assert after["rows"] == before["rows"]
    assert after["backlog"] == before["backlog"]
    assert [row["total"] for row in after["backlog"]] == [1, 3, 1, 1, 2, 3, 3, 3, 2, 2]


def test_volume_by_week_adds_the_days_from_monday(manager, history):
    report = selectors.volume_report(manager, filters(grain="week"))
    weeks = {row["start"]: row["created"] for row in report["rows"]}
    # 1/3/2026 is a Sunday: its week began on 23/2.
    assert weeks == {date(2026, 2, 23): 0, date(2026, 3, 2): 4, date(2026, 3, 9): 0}


def test_volume_compares_with_the_previous_period(manager, history):
    report = selectors.volume_report(manager, filters(compare=True))
    # 19/2 to 28/2: E and F were opened, F resolved.
    assert report["previous"] == {"created": 2, "resolved": 1, "closed": 0, "reopened": 0}


def test_times_exclude_the_paused_time(manager, history):
    report = selectors.times_report(manager, filters())
    first, resolution = report["totals"]["first_response"], report["totals"]["resolution"]
    assert first["count"] == 3
    assert first["median"] == pytest.approx(2 * H)
    assert first["p90"] == pytest.approx(8.4 * H)
    assert resolution["count"] == 3
    # A 24 h, B 30 h less 6 h waiting on the customer, D 78 h less 3 h resolved.
    assert resolution["median"] == pytest.approx(24 * H)
    assert resolution["p90"] == pytest.approx(64.8 * H)


def test_times_by_agent_and_organization(manager, agent, history):
    groups = selectors.times_report(manager, filters())["groups"]
    agents = {row["name"]: row for row in groups["assignee_id"]}
    assert agents[agent.full_name]["first_response"]["count"] == 3
    assert set(agents) == {agent.full_name}  # C, nobody's, was never answered
    organizations = {row["name"]: row for row in groups["organization_id"]}
    assert organizations["Acme Ltda"]["resolution"]["median"] == pytest.approx(24 * H)
    assert organizations["Globex S.A."]["resolution"]["median"] == pytest.approx(75 * H)


def test_sla_shares_and_breaches(manager, history):
    report = selectors.sla_report(manager, filters())
    totals = report["totals"]
    assert (totals["first_in_time"], totals["first_late"]) == (2, 2)
    assert (totals["resolution_in_time"], totals["resolution_late"]) == (2, 2)
    assert totals["first_share"] == 50.0
    assert totals["resolution_share"] == 50.0
    assert report["breach_count"] == 2
    assert [row["number"] for row in report["breaches"]] == [
        history.tickets["D"].number,
        history.tickets["C"].number,
    ]
    assert report["breaches"][1]["first_late"] is True


def test_satisfaction_average_stars_and_not_solved(manager, agent, history):
    report = selectors.satisfaction_report(manager, filters())
    assert report["totals"]["count"] == 2
    assert report["totals"]["average"] == pytest.approx(3.5)
    assert [row["count"] for row in report["stars"]] == [0, 1, 0, 0, 1]
    assert report["totals"]["resolutions"] == 4
    assert report["totals"]["not_solved"] == 1
    assert report["totals"]["not_solved_share"] == 25.0
    assert [row["comment"] for row in report["comments"]] == [
        "Demorou demais",
        "Ótimo atendimento, obrigado!",
    ]
    assert report["agents"] == [{"name": agent.full_name, "count": 2, "average": 3.5}]
    assert report["departments"] == [{"name": "Support", "count": 2, "average": 3.5}]


def test_time_worked_in_hours_with_decimals(manager, agent, history):
    report = selectors.time_worked_report(manager, filters())
    assert report["totals"] == {
        "minutes": 135, "hours": 2.25, "billable_minutes": 105, "billable_hours": 1.75,
    }  # fmt: skip
    assert report["agents"] == [
        {"name": agent.full_name, "minutes": 135, "hours": 2.25, "billable_minutes": 105,
         "billable_hours": 1.75, "entries": 3}
    ]  # fmt: skip
    organizations = {row["name"]: row["hours"] for row in report["organizations"]}
    assert organizations == {"Acme Ltda": 1.25, "Globex S.A.": 1.0}
    # Acme's billable time is A's 45 minutes (B's 30 were unticked).
    billable = {row["name"]: row["billable_hours"] for row in report["organizations"]}
    assert billable == {"Acme Ltda": 0.75, "Globex S.A.": 1.0}
    assert [row["billable_minutes"] for row in report["tickets"]] == [60, 45, 0]
    assert [row["minutes"] for row in report["tickets"]] == [60, 45, 30]
    assert {row["name"]: row["hours"] for row in report["categories"]} == {
        "Printers": 1.25,
        "": 1.0,
    }
    assert next(row for row in report["periods"] if row["start"] == date(2026, 3, 3)) == {
        "start": date(2026, 3, 3),
        "minutes": 45,
        "hours": 0.75,
    }


def test_agents_claimed_replies_resolved_rating_and_time(manager, agent, history):
    rows = {row["name"]: row for row in selectors.agent_report(manager, filters())["rows"]}
    assert rows[agent.full_name] == {
        "id": agent.id,
        "name": agent.full_name,
        "claimed": 1,
        "replies": 3,
        "resolved": 4,
        "first_response_median": pytest.approx(2 * H),
        "rating_average": 3.5,
        "ratings": 2,
        "minutes": 135,
        "hours": 2.25,
    }
    assert rows[manager.full_name]["replies"] == 0


def test_the_agent_filter_gives_that_agents_row_alone_with_the_same_figures(
    manager, agent, history
):
    everyone = {row["id"]: row for row in selectors.agent_report(manager, filters())["rows"]}
    alone = selectors.agent_report(manager, filters(agent_id=agent.id))["rows"]
    assert alone == [everyone[agent.id]]
    assert alone[0]["replies"] == 3
    assert alone[0]["minutes"] == 135


def test_filters_narrow_every_figure(manager, history, other_organization):
    report = selectors.volume_report(manager, filters(organization_id=other_organization.id))
    assert report["totals"]["created"] == 2  # C and D
    report = selectors.time_worked_report(manager, filters(channel="email"))
    assert report["totals"]["minutes"] == 0


def test_time_worked_names_an_agent_no_longer_staff(manager, agent, history):
    # The names come after the grouping: the staff's from the kept table, this one's read.
    agent.role = User.Role.CUSTOMER
    agent.save(update_fields=["role"])
    assert agent.id not in kept.table(User)
    report = selectors.time_worked_report(manager, filters())
    assert [(row["name"], row["minutes"]) for row in report["agents"]] == [(agent.full_name, 135)]


def test_the_administrator_counts_every_department(administrator, history):
    assert selectors.volume_report(administrator, filters())["totals"]["created"] == 5
    worked = selectors.time_worked_report(administrator, filters())["totals"]
    assert (worked["minutes"], worked["billable_minutes"]) == (225, 195)
    satisfaction = selectors.satisfaction_report(administrator, filters())["totals"]
    assert satisfaction["count"] == 3
    assert satisfaction["average"] == pytest.approx(8 / 3)
    assert satisfaction["not_solved_share"] == 20.0


def test_chat_waits_lengths_abandoned_and_ratings(manager, contacts):
    report = selectors.chat_report(manager, filters())
    assert report["totals"] == {
        "count": 3, "accepted": 2, "abandoned": 1, "ticketed": 1, "ratings": 2,
        "rating_average": 4.0, "abandoned_share": 33.3,
    }  # fmt: skip
    assert report["wait"]["median"] == pytest.approx(4 * 60)
    assert report["wait"]["p90"] == pytest.approx(5.6 * 60)
    assert report["length"]["median"] == pytest.approx(20 * 60)
    assert report["length"]["p90"] == pytest.approx(28 * 60)
    hours = {row["hour"]: row["count"] for row in report["hours"] if row["count"]}
    assert hours == {10: 2, 15: 1}
    days = {row["start"]: row["count"] for row in report["days"] if row["count"]}
    assert days == {date(2026, 3, 3): 2, date(2026, 3, 4): 1}


def test_chat_of_every_department_for_the_administrator(administrator, contacts):
    assert selectors.chat_report(administrator, filters())["totals"]["count"] == 4


def test_attendance_by_origin_plan_type_first_contact_and_orders(manager, agent, contacts):
    report = selectors.attendance_report(manager, filters())
    assert report["totals"] == {
        "count": 2, "first_contact": 2, "resolved_first": 1, "resolved_first_share": 50.0,
    }  # fmt: skip
    assert {row["name"]: row["count"] for row in report["origins"]} == {
        "Phone": 1, "Online support (chat)": 1,
    }  # fmt: skip
    assert sorted(row["name"] for row in report["plans"]) == ["", "Basic support"]
    assert {row["name"]: row["count"] for row in report["types"]} == {
        "Answered by phone": 1, "Remote access": 1,
    }  # fmt: skip
    assert report["orders"] == [{"name": agent.full_name, "done": 1, "scheduled": 1}]


def test_attendance_of_every_department_for_the_administrator(administrator, contacts):
    report = selectors.attendance_report(administrator, filters())
    assert report["totals"]["count"] == 3
    assert len(report["orders"]) == 2


def test_the_period_is_whole_days_in_the_sites_time_zone(manager, department):
    def opened(*when):
        return TicketFactory(department=department,
                             created_at=datetime(*when, tzinfo=LOCAL))  # fmt: skip

    opened(2026, 2, 28, 23, 30)  # 1 March in UTC, still February here
    opened(2026, 3, 1, 0, 30)
    opened(2026, 3, 10, 23, 30)  # 11 March in UTC
    opened(2026, 3, 11, 0, 30)
    report = selectors.volume_report(manager, filters())
    assert report["totals"]["created"] == 2
    assert report["rows"][0]["created"] == 1
    assert report["rows"][-1]["created"] == 1


def test_the_new_figures_follow_the_gate_and_every_filter(
    manager, agent, other_agent, history, other_organization
):
    # A manager who asks for a department they do not manage sees nothing of it.
    billing = filters(department_id=history.billing.id)
    assert selectors.volume_report(manager, billing)["backlog"][0]["total"] == 0
    assert selectors.time_worked_report(manager, billing)["totals"]["billable_minutes"] == 0
    printers = history.tickets["A"].category_id
    cases = {
        "category_id": (printers, 45),  # A's 45 billable, B's 30 not
        "organization_id": (other_organization.id, 60),  # D's hour
        "agent_id": (other_agent.id, 0),  # G's 90 minutes are Billing's
        "priority_id": (history.tickets["A"].priority_id, 105),
        "channel": (history.tickets["A"].channel, 105),
    }
    for name, (value, billable) in cases.items():
        totals = selectors.time_worked_report(manager, filters(**{name: value}))["totals"]
        assert totals["billable_minutes"] == billable, name
    # The backlog's agent filter is the ticket's agent: C and E have none.
    mine = selectors.volume_report(manager, filters(agent_id=agent.id))["backlog"]
    assert [row["total"] for row in mine] == [0, 2, 0, 0, 0, 1, 1, 1, 0, 0]
    assert [row["open"] for row in mine] == [0, 2, 0, 0, 0, 1, 1, 1, 0, 0]


def test_the_product_filter_keeps_that_products_tickets_in_every_report(manager, history):
    erp = ProductFactory(name="ERP")
    Ticket.objects.filter(id=history.tickets["A"].id).update(product=erp)
    only_erp = filters(product_id=erp.id)
    assert selectors.volume_report(manager, only_erp)["totals"]["created"] == 1
    assert selectors.time_worked_report(manager, only_erp)["totals"]["billable_minutes"] == 45
    nothing = filters(product_id=ProductFactory(name="CRM").id)
    assert selectors.volume_report(manager, nothing)["totals"]["created"] == 0
    assert selectors.time_worked_report(manager, nothing)["totals"]["billable_minutes"] == 0


@pytest.mark.parametrize("report", [selectors.times_report, selectors.time_worked_report])
def test_the_groupings_in_one_query_give_what_each_grouping_alone_gives_elsewhere(
    manager, administrator, history, monkeypatch, report
):
    """GROUPING SETS on PostgreSQL, the same groupings by UNION ALL (and percentiles in
    Python) where there are none: the same figures."""
    given = [report(who, filters(compare=True)) for who in (manager, administrator)]
    monkeypatch.setattr(common, "uses_percentile_cont", lambda: False)
    assert [report(who, filters(compare=True)) for who in (manager, administrator)] == given
