"""Macros: each action through the ticket's own service, the gate, and the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import AgentFactory
from tickets.models import TicketEntry
from tickets.services import NotAllowed, claim_ticket, reply_to_ticket
from tickets.tests.factories import ProgressLabelFactory
from tickets.tests.fixtures import drop_kept
from tickets.workflow import Status
from workspace import macros, permissions
from workspace.models import Macro

pytestmark = pytest.mark.django_db
LIST = "/agent/macros/"
HELLO = "<p>Olá {customer_first_name}, sobre {ticket_number}: resolvido por {agent_name}.</p>"


def apply_url(ticket, macro=None):
    url = reverse("macros:apply", args=[ticket.number])
    return f"{url}?macro={macro.id}" if macro else url


def make(owner, **fields) -> Macro:
    return macros.save_macro(actor=owner, **{"name": "Boleto", **fields})


def apply(macro, ticket, actor, **kwargs):
    outcome = macros.apply_macro(macro=macro, ticket=ticket, actor=actor, **kwargs)
    ticket.refresh_from_db()
    return outcome


@pytest.fixture
def shared(manager, department):
    return make(manager, department=department, body_html="<p>Segue o boleto.</p>")


# What each action does, through the services.


def test_the_reply_fills_the_placeholders_and_waits_on_the_customer(agent, ticket, light_user):
    outcome = apply(make(agent, body_html=HELLO), ticket, agent)
    reply = ticket.entries.get(kind=TicketEntry.Kind.REPLY)
    assert f"Olá {light_user.first_name}, sobre {ticket.reference}" in reply.body_html
    assert agent.full_name in reply.body_html
    assert (ticket.status, ticket.assignee) == (Status.WAITING_CUSTOMER, agent)
    assert outcome.refused == []
    assert outcome.done == ["Reply and wait for the customer"]


def test_a_reply_may_leave_the_ticket_waiting_on_another_team(agent, ticket):
    apply(make(agent, body_html="<p>Vou ver.</p>", then=Macro.Then.PEND), ticket, agent)
    assert ticket.status == Status.PENDING


def test_the_macro_resolves_with_its_text(agent, ticket):
    claim_ticket(ticket=ticket, actor=agent)
    outcome = apply(make(agent, body_html=HELLO, then=Macro.Then.RESOLVE), ticket, agent)
    assert ticket.status == Status.RESOLVED
    assert ticket.entries.filter(kind=TicketEntry.Kind.REPLY).count() == 1
    assert outcome.done == ["Resolve, with the text as its message"]


def test_priority_label_and_time_are_set_after_the_reply_claims_it(agent, ticket, high_priority):
    label = ProgressLabelFactory(name="Testing")
    macro = make(
        agent,
        body_html="<p>Ok.</p>",
        then=Macro.Then.KEEP,
        priority=high_priority,
        progress_label=label,
        minutes=15,
    )
    outcome = apply(macro, ticket, agent)
    assert outcome.refused == []
    assert (ticket.priority, ticket.progress_label) == (high_priority, label)
    assert ticket.entries.get(kind=TicketEntry.Kind.TIME).minutes == 15
    assert len(outcome.done) == 4


def test_the_macro_transfers_to_a_department_and_its_agent(agent, ticket, other_department):
    colleague = AgentFactory(departments=[other_department])
    claim_ticket(ticket=ticket, actor=agent)
    macro = make(agent, transfer_to=other_department, assignee=colleague)
    assert apply(macro, ticket, agent).refused == []
    assert (ticket.department, ticket.assignee) == (other_department, colleague)


def test_a_manager_assigns_with_a_macro(manager, ticket, department):
    colleague = AgentFactory(departments=[department])
    assert apply(make(manager, assignee=colleague), ticket, manager).refused == []
    assert ticket.assignee == colleague


def test_refused_actions_are_reported_and_the_others_done(agent, ticket, department):
    colleague = AgentFactory(departments=[department])
    macro = make(agent, body_html="<p>Ok.</p>", assignee=colleague, minutes=5)
    outcome = apply(macro, ticket, agent)
    assert ticket.assignee == agent  # the reply claimed it; assigning is for managers
    assert outcome.refused == [
        (f"Assign to {colleague.full_name}", "You may not do this to this ticket.")
    ]
    assert len(outcome.done) == 2


def test_the_reply_is_refused_when_someone_wrote_after_the_preview(agent, ticket, light_user):
    seen = ticket.entries.order_by("-id").first().id
    reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Ainda não.</p>")
    outcome = apply(make(agent, body_html="<p>Ok.</p>"), ticket, agent, seen_entry_id=seen)
    assert outcome.done == []
    assert "wrote on the ticket meanwhile" in outcome.refused[0][1]


def test_nobody_applies_a_macro_they_may_not_use(agent, other_agent, ticket):
    with pytest.raises(NotAllowed):
        macros.apply_macro(macro=make(other_agent, minutes=5), ticket=ticket, actor=agent)


def test_an_agent_shares_no_macro_and_a_customer_saves_none(agent, light_user, department):
    with pytest.raises(NotAllowed):
        make(agent, minutes=5, department=department)
    with pytest.raises(NotAllowed):
        make(light_user, minutes=5)


def test_only_who_may_changes_or_deletes_a_macro(shared, agent):
    with pytest.raises(NotAllowed):
        macros.save_macro(actor=agent, macro=shared, name="Outro")
    with pytest.raises(NotAllowed):
        macros.delete_macro(actor=agent, macro=shared)
    assert Macro.objects.filter(name="Boleto").exists()


# The gate, person by person.


@pytest.mark.parametrize(
    ("person", "changes", "uses"),
    [
        ("manager", True, True),
        ("colleague", False, True),
        ("other_agent", False, False),
        ("administrator", True, True),
        ("light_user", False, False),
        ("inactive", False, False),
    ],
)
def test_who_changes_and_who_uses_a_shared_macro(
    request, shared, department, person, changes, uses
):
    if person == "colleague":
        someone = AgentFactory(departments=[department])
    elif person == "inactive":
        someone = AgentFactory(departments=[department], is_active=False)
    else:
        someone = request.getfixturevalue(person)
    assert permissions.may_change_macro(someone, shared) is changes
    assert permissions.changeable_macros(someone).filter(id=shared.id).exists() is changes
    assert permissions.usable_macros(someone).filter(id=shared.id).exists() is uses


def test_a_personal_macro_is_its_owners_alone(agent, department, administrator):
    personal = make(agent, minutes=5)
    colleague = AgentFactory(departments=[department])
    assert permissions.may_change_macro(agent, personal)
    assert permissions.usable_macros(agent).filter(id=personal.id).exists()
    assert not permissions.may_change_macro(colleague, personal)
    assert not permissions.usable_macros(colleague).filter(id=personal.id).exists()
    # An administrator may change it (as every macro) but is not offered another's own.
    assert permissions.may_change_macro(administrator, personal)
    assert not permissions.usable_macros(administrator).filter(id=personal.id).exists()


def test_who_shares_with_a_department(manager, agent, administrator, department):
    assert permissions.may_share_macro_with(administrator, department.id)
    assert permissions.may_share_macro_with(manager, department.id)
    assert not permissions.may_share_macro_with(agent, department.id)


# The pages.


def test_an_agent_saves_a_personal_macro_from_the_list(client, agent):
    client.force_login(agent)
    response = client.post(LIST, {"name": "Obrigado", "body": HELLO, "then": "wait"})
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.department, macro.then) == (agent, None, "wait")
    assert "Obrigado" in client.get(LIST).content.decode()


def test_a_macro_without_an_action_is_refused_with_what_was_typed_kept(client, agent):
    client.force_login(agent)
    response = client.post(LIST, {"name": "Vazio", "body": "", "then": "wait"})
    assert response.status_code == 200
    assert "Give the macro at least one action." in response.content.decode()
    assert 'value="Vazio"' in response.content.decode()
    assert not Macro.objects.exists()


def test_a_resolving_macro_shows_no_progress_label(client, agent):
    label = ProgressLabelFactory(name="Testing")
    client.force_login(agent)
    response = client.post(LIST, {"name": "X", "then": "resolve", "progress_label": label.id})
    assert "progress_label" in response.context["form"].errors


def test_the_assignee_must_work_in_the_transfer_department(client, agent, other_department):
    client.force_login(agent)
    response = client.post(
        LIST,
        {"name": "X", "then": "wait", "assignee": agent.id, "transfer_to": other_department.id},
    )
    assert "assignee" in response.context["form"].errors


def test_an_agent_cannot_share_through_the_form(client, agent, department):
    client.force_login(agent)
    response = client.post(
        LIST, {"name": "X", "then": "wait", "minutes": "5", "department": department.id}
    )
    assert "department" in response.context["form"].errors


@pytest.mark.parametrize(
    ("person", "may"),
    [("manager", True), ("colleague", False), ("other_agent", False), ("administrator", True)],
)
def test_who_edits_a_shared_macro_on_its_page(client, request, shared, department, person, may):
    someone = (
        AgentFactory(departments=[department])
        if person == "colleague"
        else request.getfixturevalue(person)
    )
    client.force_login(someone)
    url = reverse("macros:edit", args=[shared.id])
    assert client.get(url).status_code == (200 if may else 404)
    answer = client.post(
        url,
        {"name": "Boleto 2", "then": "wait", "body": "<p>Novo.</p>", "department": department.id},
    )
    assert answer.status_code == (302 if may else 404)
    shared.refresh_from_db()
    assert (shared.name == "Boleto 2") is may


def test_the_owner_deletes_a_macro(client, agent):
    macro = make(agent, minutes=5)
    client.force_login(AgentFactory())
    assert client.post(reverse("macros:delete", args=[macro.id])).status_code == 404
    client.force_login(agent)
    assert client.post(reverse("macros:delete", args=[macro.id])).status_code == 302
    assert not Macro.objects.exists()


def test_a_customer_gets_404_on_every_macro_page(client, light_user, shared, ticket):
    client.force_login(light_user)
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("macros:edit", args=[shared.id])).status_code == 404
    assert client.post(reverse("macros:delete", args=[shared.id])).status_code == 404
    assert client.get(apply_url(ticket, shared)).status_code == 404
    assert client.post(apply_url(ticket), {"macro": shared.id}).status_code == 404
    assert Macro.objects.exists()


def test_the_ticket_page_offers_a_macro_and_previews_it(client, agent, ticket, light_user):
    macro = make(agent, body_html=HELLO, minutes=10)
    client.force_login(agent)
    page = client.get(reverse("agent:ticket", args=[ticket.number])).content.decode()
    assert apply_url(ticket) in page
    preview = client.get(apply_url(ticket, macro)).content.decode()
    assert f"Olá {light_user.first_name}, sobre {ticket.reference}" in preview
    assert "Time worked: 10 min" in preview
    assert "Reply and wait for the customer" in preview
    assert not ticket.entries.filter(kind=TicketEntry.Kind.REPLY).exists()


def test_confirming_applies_the_macro_and_reports_what_was_refused(
    client, agent, ticket, department
):
    colleague = AgentFactory(departments=[department])
    macro = make(agent, body_html=HELLO, assignee=colleague)
    client.force_login(agent)
    response = client.post(apply_url(ticket), {"macro": macro.id, "seen": ""}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("agent:ticket", args=[ticket.number])
    assert "applied: Reply and wait for the customer." in page
    assert f"Not done: Assign to {colleague.full_name}." in page
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CUSTOMER


def test_another_agents_personal_macro_is_404_on_the_ticket(client, agent, other_agent, ticket):
    macro = make(other_agent, minutes=5)
    client.force_login(agent)
    assert client.get(apply_url(ticket, macro)).status_code == 404
    assert client.post(apply_url(ticket), {"macro": macro.id}).status_code == 404
    assert not ticket.entries.filter(kind=TicketEntry.Kind.TIME).exists()


def test_the_macro_list_runs_a_fixed_number_of_queries(
    client, agent, department, manager, high_priority, other_department
):
    label = ProgressLabelFactory(name="Testing")

    def count(rows):
        for n in range(rows):
            make(
                manager,
                name=f"S{n}",
                department=department,
                priority=high_priority,
                progress_label=label,
                transfer_to=other_department,
                body_html="<p>x</p>",
            )
            make(agent, name=f"M{n}", assignee=manager, minutes=5)
        drop_kept()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured), len(response.context["shared"])

    client.force_login(agent)
    few, shown_few = count(2)
    many, shown_many = count(20)
    assert (shown_few, shown_many) == (2, 22)
    assert few == many == 7
