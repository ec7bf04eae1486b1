"""The bulk pages: the bar on the queue, the choices, the result and the progress, owner-only."""

import pytest
from django.urls import reverse

from tickets.models import Ticket
from tickets.tests.factories import PriorityFactory, TicketFactory
from workspace.macros import save_macro
from workspace.models import BulkJob

pytestmark = pytest.mark.django_db
BULK = "/agent/live/bulk/"


@pytest.fixture
def tickets(light_user, department):
    return TicketFactory.create_batch(3, requester=light_user, department=department)


def numbers(tickets):
    return [t.number for t in tickets]


def test_the_queue_shows_a_box_per_row_and_the_bar(client, agent, tickets):
    client.force_login(agent)
    page = client.get(reverse("agent:queues"), {"queue": "new", "q": ""}).content.decode()
    assert 'id="bulk-form"' in page
    assert page.count('class="form-check-input bulk-pick"') == 3
    assert f'value="{tickets[0].number}" form="bulk-form"' in page
    assert 'name="query" value="queue=new&amp;q="' in page
    assert 'value="assign">Assign to an agent</option>' in page


def test_choosing_the_action_shows_its_choices_and_the_count(client, manager, tickets):
    client.force_login(manager)
    page = client.post(BULK, {"action": "assign", "ticket": numbers(tickets)})
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 tickets chosen." in text
    assert text.count('type="hidden" name="ticket"') == 3
    assert "invalid-feedback" not in text  # not yet confirmed: no error shown


def test_a_missing_choice_is_told_beside_the_field_and_the_message_kept(client, manager, tickets):
    client.force_login(manager)
    data = {"action": "assign", "ticket": numbers(tickets), "confirm": "1", "message": "kept"}
    page = client.post(BULK, data)
    assert page.status_code == 200
    assert page.context["form"].errors == {"agent": ["Choose one for this action."]}
    assert "kept</textarea>" in page.content.decode()
    assert not BulkJob.objects.exists()


def test_a_manager_assigns_and_reads_the_result(client, manager, agent, tickets, other_department):
    elsewhere = TicketFactory(requester=tickets[0].requester, department=other_department)
    client.force_login(manager)
    data = {"action": "assign", "agent": agent.id, "confirm": "1",
            "ticket": [*numbers(tickets), elsewhere.number, "junk", "-4"]}  # fmt: skip
    answer = client.post(BULK, data)
    job = BulkJob.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("workspace:bulk_job", args=[job.id])
    page = client.get(answer.url).content.decode()
    assert "3 tickets assigned" in page
    assert f"#{elsewhere.number}</a>: You may not see this ticket" in page
    assert Ticket.objects.filter(assignee=agent).count() == 3


def test_every_match_uses_the_lists_filters(client, manager, agent, tickets, light_user):
    high = PriorityFactory(name="High")
    other = TicketFactory(requester=light_user, department=tickets[0].department, priority=high)
    client.force_login(manager)
    data = {"action": "assign", "agent": agent.id, "confirm": "1", "every_match": "1",
            "query": f"queue=new&priority={other.priority_id}"}  # fmt: skip
    client.post(BULK, data)
    assert list(Ticket.objects.filter(assignee=agent)) == [other]


def test_nothing_chosen_or_too_many_is_a_message_not_a_job(client, manager, tickets, settings):
    client.force_login(manager)
    page = client.post(BULK, {"action": "claim", "confirm": "1"}).content.decode()
    assert "No ticket is chosen" in page
    settings.BULK_MAX_TICKETS = 2
    page = client.post(BULK, {"action": "claim", "confirm": "1", "ticket": numbers(tickets)})
    assert "narrow the list" in page.content.decode()
    page = client.post(BULK, {"action": "explode", "confirm": "1", "ticket": numbers(tickets)})
    assert page.status_code == 200
    assert not BulkJob.objects.exists()


def test_a_big_job_shows_its_progress_to_its_owner_only(
    client, manager, agent, other_agent, administrator, tickets, settings
):
    settings.BULK_INLINE_TICKETS = 1
    client.force_login(manager)
    job = BulkJob.objects.create(owner=manager, action="claim", numbers=numbers(tickets))
    page = client.get(reverse("workspace:bulk_job", args=[job.id])).content.decode()
    assert "Waiting for a worker" in page
    assert 'hx-trigger="every 1s"' in page
    status = client.get(reverse("workspace:bulk_job_status", args=[job.id]))
    assert status.status_code == 200
    job.status = BulkJob.Status.DONE
    job.save()
    assert client.get(reverse("workspace:bulk_job_status", args=[job.id])).status_code == 286
    for other in (agent, other_agent, administrator):
        client.force_login(other)
        assert client.get(reverse("workspace:bulk_job", args=[job.id])).status_code == 404
        assert client.get(reverse("workspace:bulk_job_status", args=[job.id])).status_code == 404


def test_customers_and_strangers_cannot(client, light_user, master_user, tickets):
    assert client.post(BULK, {"action": "claim", "ticket": numbers(tickets)}).status_code == 302
    for person in (light_user, master_user):
        client.force_login(person)
        answer = client.post(BULK, {"action": "claim", "confirm": "1", "ticket": numbers(tickets)})
        assert answer.status_code == 403
    assert not BulkJob.objects.exists()
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_choosing_every_match_costs_the_same_queries_for_3_tickets_as_for_30(
    client, manager, tickets, light_user, department
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.tests.fixtures import drop_kept

    client.force_login(manager)
    data = {"action": "assign", "every_match": "1", "query": "queue=new"}

    def count():
        drop_kept()  # the select boxes' choices are kept: count them too
        with CaptureQueriesContext(connection) as captured:
            page = client.post(BULK, data)
        return len(captured), page.context["count"]

    few = count()
    TicketFactory.create_batch(27, requester=light_user, department=department)
    many = count()
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0]


def test_the_bulk_page_offers_only_the_macros_one_may_use(client, manager, agent, tickets):
    high = PriorityFactory(name="Alta")
    mine = save_macro(actor=manager, name="Minha", priority=high)
    theirs = save_macro(actor=agent, name="Dele", minutes=5)
    client.force_login(manager)
    text = client.post(BULK, {"action": "macro", "ticket": numbers(tickets)}).content.decode()
    assert ">Minha</option>" in text
    assert ">Dele</option>" not in text
    data = {"action": "macro", "ticket": numbers(tickets), "confirm": "1"}
    refused = client.post(BULK, {**data, "macro": theirs.id})
    assert "macro" in refused.context["form"].errors
    done = client.post(BULK, {**data, "macro": mine.id}, follow=True)
    assert "3 tickets with the macro applied" in done.content.decode()
    assert set(Ticket.objects.values_list("priority", flat=True)) == {high.id}
