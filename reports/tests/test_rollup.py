"""The reports' rollup (reports.rollup): kept exact as tickets change, equal to one rebuilt
from scratch, and giving the very figures the tickets and entries give."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from reports import daily, rollup, selectors
from reports.models import AuthorDay, EntryFact, RollupChange, StatusDay, TicketDay, TicketFact
from reports.tests.dataset import _reply, _status, _ticket, _time, at, filters
from tickets.models import Rating, Ticket, TicketEntry
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

REPORTS = (
    selectors.volume_report,
    selectors.times_report,
    selectors.sla_report,
    selectors.time_worked_report,
    selectors.agent_report,
    selectors.satisfaction_report,
)


def _rows() -> tuple[list, list]:
    return (
        sorted(TicketFact.objects.values_list(), key=repr),
        sorted(EntryFact.objects.values_list(), key=repr),
    )


def _kept_counts() -> tuple[list, ...]:
    """The per-day counts kept, without their ids."""
    return tuple(
        sorted(
            (
                tuple(row[name] for name in sorted(row) if name != "id")
                for row in model.objects.values()
            ),
            key=repr,
        )
        for model in (TicketDay, StatusDay, AuthorDay)
    )


def _counted_from_rows() -> tuple[list, ...]:
    """The per-day counts as counting the rollup's rows gives them now."""
    return tuple(
        sorted(
            (tuple(row[name] for name in sorted(row)) for row in counted),
            key=repr,
        )
        for counted in (
            [{key[2:]: value for key, value in row.items()} for row in
             daily.ticket_rows(TicketFact.objects.all())],
            [{key[2:]: value for key, value in row.items()} for row in
             daily.status_rows(EntryFact.objects.all())],
            [{key[2:]: value for key, value in row.items()} for row in
             daily.author_rows(EntryFact.objects.all())],
        )
    )  # fmt: skip


def _every_report(user, **chosen) -> list:
    return [report(user, filters(**chosen)) for report in REPORTS]


def _same_with_and_without(user, **chosen):
    with override_settings(REPORTS_ROLLUP=True):
        kept = _every_report(user, **chosen)
    with override_settings(REPORTS_ROLLUP=False):
        computed = _every_report(user, **chosen)
    assert kept == computed
    return kept


def _changes(history, agent, other_agent, manager, normal_priority):
    """A day of a help desk: transfers, claims, a new category, status changes, replies and
    time logged, an entry moved (as a merge does), a rating, the trash, a deletion, new
    priority hours and an agent renamed."""
    a, b, c, d, e = (history.tickets[key] for key in "ABCDE")
    Ticket.objects.filter(id=a.id).update(department=history.billing)  # as a bulk action does
    b.assignee = other_agent
    b.save()
    c.category = None
    c.status = Status.RESOLVED
    c.resolved_at = at(9, 15)
    c.save()
    _status(d, agent, at(9, 16), Status.OPEN, Status.RESOLVED, "resolved")
    _reply(e, agent, at(9, 17), minutes=30)
    _time(e, other_agent, at(9, 18), 45)
    moved = TicketEntry.objects.filter(ticket=a).order_by("id").last()
    TicketEntry.objects.filter(id=moved.id).update(ticket=b)  # a merge moves the thread
    TicketEntry.objects.filter(ticket=c, minutes__isnull=False).delete()
    Rating.objects.update_or_create(
        ticket=d, defaults={"score": 2, "rated_by": d.requester, "created_at": at(9, 19)}
    )
    Ticket.objects.filter(id=history.tickets["F"].id).update(trashed_at=timezone.now())
    new = _ticket(
        "H", requester=d.requester, department=history.support, priority=normal_priority,
        created=at(9, 20), assignee=agent,
    )  # fmt: skip
    _status(new, agent, at(9, 21), Status.OPEN, Status.RESOLVED, "resolve")
    history.tickets["G"].delete()
    normal_priority.first_response_hours += 2
    normal_priority.save()
    other_agent.full_name = "Renamed Agent"  # their claims are read by their name now
    other_agent.save()


def test_the_migration_and_every_change_mark_the_tickets_to_make_again(history):
    assert RollupChange.objects.filter(ticket_id=history.tickets["A"].id).exists()
    rollup.refresh()
    assert not RollupChange.objects.exists()
    Ticket.objects.filter(id=history.tickets["A"].id).update(title="Moved")
    assert list(RollupChange.objects.values_list("ticket_id", flat=True)) == [
        history.tickets["A"].id
    ]


def test_kept_rollup_equals_a_rebuilt_one_after_a_series_of_changes(
    history, agent, other_agent, manager, administrator, normal_priority
):
    rollup.refresh()
    assert TicketFact.objects.count() == Ticket.objects.count()
    _changes(history, agent, other_agent, manager, normal_priority)
    assert rollup.refresh() > 0
    kept = _rows()
    assert not TicketFact.objects.filter(ticket_id=history.tickets["F"].id).exists()
    assert not EntryFact.objects.filter(ticket_id=history.tickets["G"].id).exists()
    call_command("rebuild_report_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == kept
    assert TicketFact.objects.get(ticket_id=history.tickets["A"].id).department_id == (
        history.billing.id
    )


def test_a_backlog_of_many_marks_is_one_rebuild_with_the_same_rows(
    history, agent, other_agent, manager, normal_priority, monkeypatch
):
    rollup.refresh()
    _changes(history, agent, other_agent, manager, normal_priority)
    marked = set(RollupChange.objects.values_list("ticket_id", flat=True))
    assert len(marked) > 2
    rebuilt = []
    monkeypatch.setattr(rollup, "REBUILD_AT", 2)
    monkeypatch.setattr(rollup, "rebuild", lambda real=rollup.rebuild: rebuilt.append(1) or real())
    assert rollup.refresh() == TicketFact.objects.count()
    assert rebuilt == [1]
    assert not RollupChange.objects.exists()
    kept = _rows()
    call_command("rebuild_report_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == kept


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"compare": True},
        {"grain": "week"},
        {"department": True},
        {"agent": True},
        {"category": True},
    ],
)
def test_reports_give_the_same_figures_with_and_without_the_rollup(
    history, agent, other_agent, manager, administrator, normal_priority, chosen
):
    chosen = dict(chosen)
    if chosen.pop("department", False):
        chosen["department_id"] = history.support.id
    if chosen.pop("agent", False):
        chosen["agent_id"] = agent.id
    if chosen.pop("category", False):
        chosen["category_id"] = history.tickets["A"].category_id
    before = _same_with_and_without(administrator, **chosen)
    _same_with_and_without(manager, **chosen)
    _changes(history, agent, other_agent, manager, normal_priority)
    after = _same_with_and_without(administrator, **chosen)
    _same_with_and_without(manager, **chosen)
    assert after != before  # the changes are seen at once


def test_a_rating_alone_is_counted_at_once_through_the_rollup(history, administrator):
    rollup.refresh()
    b = history.tickets["B"]

    def report():
        found = selectors.satisfaction_report(administrator, filters())
        return found["totals"]["count"], [row["comment"] for row in found["comments"]]

    count, comments = report()
    assert "Bom" not in comments
    rating = Rating.objects.create(
        ticket=b, score=4, comment="Bom", rated_by=b.requester, created_at=at(4, 11)
    )
    assert list(RollupChange.objects.values_list("ticket_id", flat=True)) == [b.id]
    assert report() == (count + 1, [*comments[:1], "Bom", *comments[1:]])
    assert TicketFact.objects.get(ticket_id=b.id).rating_score == 4
    Rating.objects.filter(id=rating.id).update(comment="")
    assert report() == (count + 1, comments)
    kept = _rows()
    call_command("rebuild_report_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == kept
    rating.delete()
    assert report() == (count, comments)
    assert TicketFact.objects.get(ticket_id=b.id).rating_score is None


def test_the_daily_counts_equal_what_the_rows_give_after_every_change_and_a_rebuild(
    history, agent, other_agent, manager, normal_priority
):
    rollup.refresh()
    before = _kept_counts()
    assert before == _counted_from_rows()
    assert sum(row.tickets for row in TicketDay.objects.all()) == TicketFact.objects.count()
    _changes(history, agent, other_agent, manager, normal_priority)
    rollup.refresh()
    kept = _kept_counts()
    assert kept != before
    assert kept == _counted_from_rows()
    call_command("rebuild_report_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _kept_counts() == kept


def test_volume_and_satisfaction_read_the_daily_counts(history, administrator):
    rollup.refresh()
    report = selectors.volume_report(administrator, filters())
    assert report["totals"]["created"] > 0
    TicketDay.objects.update(tickets=F("tickets") + 1)
    StatusDay.objects.filter(data_to=Status.RESOLVED).update(changes=F("changes") + 1)
    counted = selectors.volume_report(administrator, filters())
    assert counted["totals"]["created"] > report["totals"]["created"]
    assert counted["totals"]["resolved"] > report["totals"]["resolved"]
    satisfaction = selectors.satisfaction_report(administrator, filters())
    assert satisfaction["totals"]["resolutions"] == counted["totals"]["resolved"]
    # Filtered by organization, the rows are read (the counts keep no organization).
    organization = history.tickets["A"].organization_id
    assert organization is not None
    by_rows = selectors.volume_report(administrator, filters(organization_id=organization))
    with override_settings(REPORTS_ROLLUP=False):
        computed = selectors.volume_report(administrator, filters(organization_id=organization))
    assert by_rows == computed
    assert by_rows["totals"]["created"] > 0
