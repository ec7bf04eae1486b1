"""Small things an agent notices (issue 15, item 10) that the workspace's neighbours do."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.tests.factories import CategoryFactory
from tickets.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def test_the_agent_new_ticket_form_says_each_categorys_department(
    client, agent, department, other_department
):
    CategoryFactory(name="Boleto", department=other_department)
    CategoryFactory(name="Anywhere")
    client.force_login(agent)
    page = client.get(reverse("agent:new_ticket")).content.decode()
    assert 'data-follows="id_department"' in page
    assert f'data-department="{other_department.id}"' in page


def test_the_trash_page_is_only_for_those_who_may_delete(client, agent, administrator):
    client.force_login(agent)
    assert client.get(reverse("agent:trash_list")).status_code == 404
    agent.can_delete_tickets = True
    agent.save()
    assert client.get(reverse("agent:trash_list")).status_code == 200
    client.force_login(administrator)
    assert client.get(reverse("agent:trash_list")).status_code == 200


def test_the_time_report_points_managers_to_the_split_report(client, agent, manager):
    report = reverse("reports:report", args=["time-worked"])
    client.force_login(agent)
    assert report not in client.get(reverse("agent:time_report")).content.decode()
    client.force_login(manager)
    assert report in client.get(reverse("agent:time_report")).content.decode()
    assert client.get(report).status_code == 200


def test_after_log_in_an_agent_lands_on_the_panel_and_next_still_wins(
    client, agent, light_user, password
):
    answer = client.post(reverse("accounts:login"), {"username": agent.email, "password": password})
    assert answer["Location"] == reverse("agent:queues")
    client.logout()
    answer = client.post(
        reverse("accounts:login") + "?next=/agent/search/",
        {"username": agent.email, "password": password},
    )
    assert answer["Location"] == "/agent/search/"
    client.logout()
    answer = client.post(
        reverse("accounts:login"), {"username": light_user.email, "password": password}
    )
    assert answer["Location"] == reverse("home")


def test_a_closed_ticket_offers_no_claim_and_the_service_refuses_it(
    client, agent, ticket, light_user
):
    services.close_ticket(ticket=ticket, actor=light_user)
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[ticket.number])).content.decode()
    assert reverse("agent:claim", args=[ticket.number]) not in page
    with pytest.raises(TransitionNotAllowed):
        services.claim_ticket(ticket=ticket, actor=agent, follow=True)
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
    assert not ticket.followers.exists()
