"""Words of internal notes find only the tickets one works on, not every ticket one sees."""

import pytest
from django.urls import reverse

from accounts.models import DepartmentMembership
from tickets import services

pytestmark = pytest.mark.django_db

PEOPLE = [
    "light_user", "colleague", "master_user", "outsider", "agent", "other_agent", "manager",
    "administrator",
]  # fmt: skip
CUSTOMERS = {"light_user", "colleague", "master_user", "outsider"}
# The agent asked Billing for the laptop: they see the ticket but do not work on it.
FINDS_BY_NOTE = {"other_agent", "administrator"}
FINDS_BY_TITLE = {"agent", "other_agent", "administrator"}


@pytest.fixture
def asked(agent, other_agent, other_department, normal_priority):
    ticket = services.open_internal_ticket(
        actor=agent, department=other_department, title="New laptop quartzline",
        body_html="<p>Mine broke.</p>",
    )  # fmt: skip
    services.add_note(
        ticket=ticket, actor=other_agent, body_html="<p>Budget zanzibarcode frozen.</p>"
    )
    return ticket


def found(client, word):
    response = client.get(reverse("agent:queues"), {"queue": "all", "q": word})
    if response.status_code != 200:
        return response.status_code
    return [ticket.number for ticket in response.context["page"].object_list]


@pytest.mark.parametrize("person", PEOPLE)
def test_a_word_of_an_internal_note_finds_the_ticket_only_for_who_works_on_it(
    client, request, person, asked
):
    client.force_login(request.getfixturevalue(person))
    if person in CUSTOMERS:
        assert found(client, "zanzibarcode") == 403
        return
    assert found(client, "zanzibarcode") == ([asked.number] if person in FINDS_BY_NOTE else [])
    assert found(client, "zanzibar") == ([asked.number] if person in FINDS_BY_NOTE else [])
    assert found(client, "quartzline") == ([asked.number] if person in FINDS_BY_TITLE else [])


def test_the_agent_who_asked_finds_the_ticket_by_its_public_messages(client, agent, asked):
    services.reply_to_ticket(ticket=asked, actor=agent, body_html="<p>Any news, pelicanword?</p>")
    client.force_login(agent)
    assert found(client, "pelicanword") == [asked.number]
    assert found(client, "zanzibarcode") == []


def test_an_agent_who_joins_the_department_then_finds_it_by_its_note(
    client, agent, other_department, asked
):
    DepartmentMembership.objects.create(user=agent, department=other_department)
    client.force_login(agent)
    assert found(client, "zanzibarcode") == [asked.number]


def test_who_is_no_active_agent_searches_no_note(light_user, agent, asked):
    from django.contrib.auth.models import AnonymousUser

    from tickets.models import Ticket
    from tickets.permissions import works_on_condition

    agent.is_active = False
    for person in (AnonymousUser(), light_user, agent):
        assert not Ticket.objects.filter(works_on_condition(person)).exists()


def test_the_agent_assigned_a_ticket_of_another_department_finds_it_by_its_note(
    client, agent, asked
):
    # Each note's match is asked of its own ticket: its agent works on it, department or not.
    type(asked).objects.filter(id=asked.id).update(assignee=agent)
    client.force_login(agent)
    assert found(client, "zanzibarcode") == [asked.number]
    assert (
        client.get("/agent/search/", {"q": "zanzibarcode"}).context["page"].object_list[0].number
        == asked.number
    )
