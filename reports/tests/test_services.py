"""The weekly summary: who may subscribe, what it says, and that each week goes once."""

from datetime import date

import pytest
from django.urls import reverse

from mail.models import OutboundEmail
from reports import services
from reports.models import WeeklySummarySubscription
from reports.periods import Period

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 9)  # mails the week of 2 to 8 March


def test_only_those_who_see_the_reports_subscribe(agent, manager, administrator):
    with pytest.raises(services.NotAllowed):
        services.subscribe_weekly_summary(actor=agent)
    services.subscribe_weekly_summary(actor=manager)
    services.subscribe_weekly_summary(actor=manager)  # twice is once
    services.subscribe_weekly_summary(actor=administrator)
    assert WeeklySummarySubscription.objects.count() == 2
    services.unsubscribe_weekly_summary(actor=manager)
    assert list(WeeklySummarySubscription.objects.values_list("user", flat=True)) == [
        administrator.id
    ]


def test_last_week_is_monday_to_sunday_before():
    assert services.last_week(MONDAY) == Period(date(2026, 3, 2), date(2026, 3, 8))
    assert services.last_week(date(2026, 3, 15)) == Period(date(2026, 3, 2), date(2026, 3, 8))


def test_the_summary_holds_the_weeks_figures_and_the_week_before(manager, history):
    rows = {str(row["label"]): row for row in services.weekly_summary(
        manager, services.last_week(MONDAY))}  # fmt: skip
    # A, B, C and D opened from 2 to 8 March; F the week before.
    assert (rows["Created"]["value"], rows["Created"]["previous"]) == (4, 1)
    assert (rows["Resolved"]["value"], rows["Resolved"]["previous"]) == (2, 1)
    assert rows["First response within SLA"]["value"] == 50.0
    assert rows["Average stars"]["value"] == 5.0  # A's; D was rated on the 10th


def test_the_summary_is_mailed_once_a_week_in_the_managers_language(
    manager, history, django_capture_on_commit_callbacks
):
    manager.language = "pt-br"
    manager.save(update_fields=["language"])
    services.subscribe_weekly_summary(actor=manager)
    with django_capture_on_commit_callbacks() as queued:
        assert services.send_weekly_summaries(on=MONDAY) == 1
    assert len(queued) == 1  # the outbox's send task, after commit
    assert services.send_weekly_summaries(on=date(2026, 3, 12)) == 0
    mail = OutboundEmail.objects.get()
    assert mail.to == manager.email
    assert mail.subject == "Sua semana no help desk: 02/03/2026 a 08/03/2026"
    assert "- Abertos: 4 (semana anterior: 1)" in mail.body_text
    assert "50,0 %" in mail.body_html
    assert services.send_weekly_summaries(on=date(2026, 3, 16)) == 1


def test_no_summary_for_one_who_stopped_being_a_manager(manager, history):
    services.subscribe_weekly_summary(actor=manager)
    manager.department_memberships.update(is_manager=False)
    assert services.send_weekly_summaries(on=MONDAY) == 0
    assert not OutboundEmail.objects.exists()


def test_the_reports_page_subscribes_and_unsubscribes(client, manager, agent):
    client.force_login(manager)
    url = reverse("reports:weekly_summary")
    client.post(url, {"subscribe": "yes"})
    assert WeeklySummarySubscription.objects.filter(user=manager).exists()
    assert b"Stop the weekly summary" in client.get(reverse("reports:index")).content
    client.post(url, {"subscribe": "no"})
    assert not WeeklySummarySubscription.objects.filter(user=manager).exists()
    client.force_login(agent)
    assert client.post(url, {"subscribe": "yes"}).status_code == 404
    assert client.get(url).status_code == 405
