import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth

from accounts.models import User
from chat.models import ChatSession
from helpdesk.demo_history import seed_history
from reports import selectors
from reports.filters import Filters
from reports.periods import preset_period
from tickets.models import Rating, Ticket, TicketEntry
from tickets.workflow import ACTIVE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_holds_months_of_history_with_ratings_and_time(demo):
    months = Ticket.objects.annotate(month=TruncMonth("created_at")).values("month")
    assert months.annotate(n=Count("id")).filter(n__gte=30).count() >= 4
    assert Rating.objects.count() >= 100
    assert Rating.objects.exclude(comment="").exists()
    assert TicketEntry.objects.filter(minutes__isnull=False).count() >= 200
    assert TicketEntry.objects.filter(data__action="not_solved").exists()
    assert ChatSession.objects.filter(accepted_at__isnull=False, rating__isnull=False).count() >= 50
    assert ChatSession.objects.filter(accepted_at__isnull=True).exists()
    assert seed_history() == 0  # once only


def test_the_history_is_a_timeline_the_reports_can_replay(demo):
    for ticket in Ticket.objects.filter(resolved_at__isnull=False):
        assert ticket.created_at <= ticket.first_response_at <= ticket.resolved_at
        assert ticket.due_at >= ticket.created_at
    manager = User.objects.get(email="manager@helpdesk.example")
    year = Filters(period=preset_period("year"), grain="month")
    report = selectors.volume_report(manager, year)
    assert sum(1 for row in report["rows"] if row["created"] and row["resolved"]) >= 4
    # The backlog replayed from the status changes ends where the statuses are today.
    scope = Ticket.objects.filter(department_id__in=manager.managed_department_ids)
    assert report["backlog"][-1]["total"] == scope.filter(status__in=ACTIVE).count()
