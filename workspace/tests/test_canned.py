"""Canned replies: one's own, shared with a department, and who may change them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import AgentFactory
from tickets.models import CannedReply
from tickets.services import NotAllowed
from tickets.tests.fixtures import drop_kept
from workspace import services
from workspace.permissions import changeable_canned_replies, may_change_canned_reply

pytestmark = pytest.mark.django_db
LIST = "/agent/canned/"


def edit_url(reply):
    return reverse("canned:edit", args=[reply.id])


def offered(client, ticket) -> str:
    return client.get(reverse("agent:canned_for_ticket", args=[ticket.number])).content.decode()


@pytest.fixture
def shared(agent, department):
    return services.save_canned_reply(
        actor=agent, title="Boleto", body_html="<p>Segue o boleto.</p>", department=department
    )


def test_an_agent_keeps_a_reply_of_their_own_that_nobody_else_is_offered(
    client, agent, department, ticket
):
    client.force_login(agent)
    response = client.post(
        LIST, {"title": "Thanks", "body": "<p>Thanks, {customer_first_name}!</p>"}
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(owner=agent)
    assert reply.department is None
    assert ">Thanks</option>" in offered(client, ticket)
    client.force_login(AgentFactory(departments=[department]))
    assert ">Thanks</option>" not in offered(client, ticket)


def test_a_reply_shared_with_a_department_is_offered_to_its_agents(
    client, agent, department, ticket, other_agent
):
    client.force_login(agent)
    client.post(LIST, {"title": "Boleto", "body": "<p>Segue.</p>", "department": department.id})
    reply = CannedReply.objects.get()
    assert (reply.owner, reply.department) == (agent, department)
    colleague = AgentFactory(departments=[department])
    client.force_login(colleague)
    assert ">Boleto</option>" in offered(client, ticket)
    assert "Boleto" in client.get(LIST).content.decode()
    client.force_login(other_agent)
    assert "Boleto" not in client.get(LIST).content.decode()


def test_an_agent_cannot_share_with_a_department_they_are_not_in(client, agent, other_department):
    client.force_login(agent)
    response = client.post(
        LIST, {"title": "Boleto", "body": "<p>Segue.</p>", "department": other_department.id}
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert 'value="Boleto"' in response.content.decode()
    assert not CannedReply.objects.exists()
    with pytest.raises(NotAllowed):
        services.save_canned_reply(
            actor=agent, title="x", body_html="<p>x</p>", department=other_department
        )


@pytest.mark.parametrize(
    ("person", "may"),
    [("agent", True), ("colleague", False), ("other_agent", False), ("manager", True),
     ("administrator", True)],
)  # fmt: skip
def test_who_may_edit_a_shared_reply(client, request, shared, department, person, may):
    if person == "colleague":
        someone = AgentFactory(departments=[department])
    else:
        someone = request.getfixturevalue(person)
    assert may_change_canned_reply(someone, shared) is may
    client.force_login(someone)
    page = client.get(edit_url(shared))
    assert page.status_code == (200 if may else 404)
    answer = client.post(edit_url(shared), {"title": "Boleto 2", "body": "<p>Novo.</p>",
                                            "department": department.id})  # fmt: skip
    shared.refresh_from_db()
    assert (shared.title == "Boleto 2") is may
    assert answer.status_code == (302 if may else 404)


def test_a_customer_gets_404_on_canned_replies(client, light_user, shared):
    client.force_login(light_user)
    assert client.get(LIST).status_code == 404
    assert client.get(edit_url(shared)).status_code == 404
    assert client.post(reverse("canned:delete", args=[shared.id])).status_code == 404
    assert CannedReply.objects.exists()


def test_the_owner_deletes_and_a_colleague_cannot(client, shared, agent, department):
    client.force_login(AgentFactory(departments=[department]))
    assert client.post(reverse("canned:delete", args=[shared.id])).status_code == 404
    with pytest.raises(NotAllowed):
        services.delete_canned_reply(actor=AgentFactory(departments=[department]), reply=shared)
    client.force_login(agent)
    assert client.post(reverse("canned:delete", args=[shared.id])).status_code == 302
    assert not CannedReply.objects.exists()


def test_a_canned_reply_needs_a_title_and_text(client, agent):
    client.force_login(agent)
    response = client.post(LIST, {"title": "", "body": ""})
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert response.context["form"].errors["body"] == ["This field is required."]


def test_the_list_marks_what_one_may_edit(client, shared, manager, department):
    colleague = AgentFactory(departments=[department])
    client.force_login(colleague)
    assert edit_url(shared) not in client.get(LIST).content.decode()
    client.force_login(manager)
    assert edit_url(shared) in client.get(LIST).content.decode()


def test_the_canned_list_runs_a_fixed_number_of_queries(client, agent, department):
    def count(rows):
        for n in range(rows):
            colleague = AgentFactory(departments=[department])
            services.save_canned_reply(
                actor=colleague, title=f"R{n}", body_html="<p>x</p>", department=department
            )
            services.save_canned_reply(actor=agent, title=f"M{n}", body_html="<p>y</p>")
        drop_kept()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        return len(captured), len(response.context["shared"])

    client.force_login(agent)
    few, shown_few = count(2)
    many, shown_many = count(20)
    assert (shown_few, shown_many) == (2, 22)
    assert few == many == 8


def test_an_inactive_agent_or_a_customer_changes_no_canned_reply(shared, agent, light_user):
    assert may_change_canned_reply(agent, shared)
    assert not may_change_canned_reply(light_user, shared)
    agent.is_active = False
    assert not may_change_canned_reply(agent, shared)
    assert not changeable_canned_replies(agent).exists()
    assert not changeable_canned_replies(light_user).exists()
