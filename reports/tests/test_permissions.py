import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from reports import rollup
from reports.models import AuthorDay, EntryFact, StatusDay, TicketDay, TicketFact
from reports.permissions import (
    check_reports,
    may_see_reports,
    report_days,
    report_facts,
    report_tickets,
)

pytestmark = pytest.mark.django_db


def test_nobody_logged_out_sees_the_reports():
    assert may_see_reports(AnonymousUser()) is False
    with pytest.raises(Http404):
        check_reports(AnonymousUser())


def test_an_inactive_manager_sees_no_reports(manager):
    manager.is_active = False
    assert may_see_reports(manager) is False


def test_managers_and_administrators_see_the_reports(manager, administrator, agent, master_user):
    assert may_see_reports(manager) is True
    assert may_see_reports(administrator) is True
    assert may_see_reports(agent) is False
    assert may_see_reports(master_user) is False


def test_the_figures_count_only_the_managed_departments_tickets(
    manager, agent, administrator, history
):
    counted = set(report_tickets(manager).values_list("id", flat=True))
    assert history.tickets["G"].id not in counted
    assert history.tickets["A"].id in counted
    assert report_tickets(agent).count() == 0
    assert report_tickets(administrator).count() == len(history.tickets)


def test_a_manager_counts_no_ticket_they_only_asked_for_elsewhere(manager, history):
    asked = history.tickets["G"]
    asked.requester = manager
    asked.save(update_fields=["requester"])
    assert not report_tickets(manager).filter(id=asked.id).exists()


def test_the_rollup_rows_follow_the_same_gate(manager, agent, administrator, history):
    rollup.refresh()
    for model in (TicketFact, EntryFact):
        assert report_facts(agent, model).count() == 0
        assert report_facts(administrator, model).count() == model.objects.count() > 0
    managed = set(report_facts(manager, TicketFact).values_list("ticket_id", flat=True))
    assert managed == set(report_tickets(manager).values_list("id", flat=True))


def test_the_daily_counts_follow_the_same_gate(manager, agent, administrator, history):
    rollup.refresh()
    for model in (TicketDay, StatusDay, AuthorDay):
        assert report_days(agent, model).count() == 0
        assert report_days(administrator, model).count() == model.objects.count() > 0
    managed = sum(row.tickets for row in report_days(manager, TicketDay))
    assert managed == report_tickets(manager).count() < TicketFact.objects.count()
