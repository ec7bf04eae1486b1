"""Macros through the API as in the panel: the ones an agent may use, a macro's preview on a
ticket, and the macro applied by the workspace's service (each step through its own ticket
service); a ticket or a macro out of reach is 404, as is every macro to a customer."""

import pytest

from accounts.tests.factories import AgentFactory
from tickets.models import TicketEntry
from tickets.services import reply_to_ticket
from tickets.workflow import Status
from workspace import macros
from workspace.models import Macro

from .test_records import PEOPLE, assert_not_found, matrix, url

pytestmark = pytest.mark.django_db
HELLO = "<p>Olá {customer_first_name}, sobre {ticket_number}.</p>"


def make(owner, **fields) -> Macro:
    return macros.save_macro(actor=owner, **{"name": "Boleto", **fields})


@pytest.fixture
def shared(manager, department):
    return make(manager, department=department, body_html=HELLO)


def preview_url(ticket, macro):
    return url("macro_preview", number=ticket.number, macro_id=macro.id)


def apply_url(ticket, macro):
    return url("macro_apply", number=ticket.number, macro_id=macro.id)


@matrix(**(dict.fromkeys(PEOPLE, 403) | {"agent": 200, "other_agent": 200, "manager": 200,
                                         "administrator": 200}))  # fmt: skip
def test_who_lists_macros_and_which(api_as, person, expected, shared, agent):
    mine = make(agent, name="Aviso", minutes=5)
    response = api_as(person).get(url("macros"))
    assert response.status_code == expected
    if expected != 200:
        return
    listed = {row["name"]: row for row in response.json()}
    seen = {
        "agent@helpdesk.example": {"Aviso", "Boleto"},
        "billing@helpdesk.example": set(),  # the other agent: the shared macro is Support's
        "manager@helpdesk.example": {"Boleto"},
        "admin@helpdesk.example": {"Boleto"},  # every shared one; nobody's personal ones
    }
    assert set(listed) == seen[person.email]
    if "Aviso" in listed:
        assert listed["Aviso"] == {
            "id": mine.id, "name": "Aviso", "department": None, "is_mine": True, "body_html": "",
            "then": "wait", "priority": None, "progress_label": None, "assignee": None,
            "transfer_to": None, "minutes": 5,
        }  # fmt: skip
    if "Boleto" in listed:
        assert listed["Boleto"]["is_mine"] is (person.email == "manager@helpdesk.example")


@matrix(**(dict.fromkeys(PEOPLE, 404) | {"agent": 200, "manager": 200, "administrator": 200}))
def test_who_previews_a_shared_macro_on_the_ticket(
    api_as, person, expected, shared, ticket, light_user
):
    response = api_as(person).get(preview_url(ticket, shared))
    assert response.status_code == expected
    if expected == 404:
        assert_not_found(response)
        return
    body = response.json()
    assert body["text"] == f"<p>Olá {light_user.first_name}, sobre {ticket.reference}.</p>"
    assert body["steps"] == ["Reply and wait for the customer"]
    assert body["seen"] == ticket.entries.order_by("-id").first().id
    assert not ticket.entries.filter(kind=TicketEntry.Kind.REPLY).exists()  # only a preview


@matrix(**(dict.fromkeys(PEOPLE, 404) | {"agent": 200, "manager": 200, "administrator": 200}))
def test_who_applies_a_shared_macro_to_the_ticket(api_as, person, expected, shared, ticket):
    response = api_as(person).post(apply_url(ticket, shared))
    assert response.status_code == expected
    replies = ticket.entries.filter(kind=TicketEntry.Kind.REPLY)
    assert replies.exists() == (expected == 200)
    if expected == 200:
        body = response.json()
        assert (body["done"], body["refused"]) == (["Reply and wait for the customer"], [])
        assert body["ticket"]["status"] == Status.WAITING_CUSTOMER
        assert replies.get().author == person


def test_a_refused_step_is_told_and_the_others_done(api_as, agent, ticket, department):
    colleague = AgentFactory(departments=[department])
    macro = make(agent, body_html="<p>Ok.</p>", assignee=colleague, minutes=5)
    body = api_as(agent, language="pt-br").post(apply_url(ticket, macro)).json()
    assert len(body["done"]) == 2  # the reply (which claims it) and the time
    assert body["refused"] == [{"step": f"Atribuir a {colleague.full_name}",
                                "reason": "Você não pode fazer isso neste ticket."}]  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_a_reply_written_after_the_preview_stops_the_macros(api_as, agent, ticket, light_user):
    macro = make(agent, body_html="<p>Ok.</p>")
    api = api_as(agent)
    seen = api.get(preview_url(ticket, macro)).json()["seen"]
    reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>Ainda não.</p>")
    body = api.post(apply_url(ticket, macro), {"seen": seen}).json()
    assert body["done"] == []
    assert "wrote on the ticket meanwhile" in body["refused"][0]["reason"]
    refused = api.post(apply_url(ticket, macro), {"seen": "soon"})
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"seen"}


def test_another_agents_personal_macro_is_not_found(api_as, agent, other_agent, ticket):
    theirs = make(other_agent, minutes=5)
    assert_not_found(api_as(agent).get(preview_url(ticket, theirs)))
    assert_not_found(api_as(agent).post(apply_url(ticket, theirs)))
    assert_not_found(api_as(agent).get(url("macro_preview", number=ticket.number,
                                           macro_id=2**40)))  # fmt: skip


def test_a_read_only_token_previews_but_does_not_apply(api_as, agent, ticket):
    macro = make(agent, body_html="<p>Ok.</p>")
    api = api_as(agent, write=False)
    assert api.get(preview_url(ticket, macro)).status_code == 200
    assert api.post(apply_url(ticket, macro)).status_code == 403
    assert not ticket.entries.filter(kind=TicketEntry.Kind.REPLY).exists()


def test_the_macro_list_runs_a_fixed_number_of_queries(
    api_as, agent, department, django_assert_num_queries
):
    api = api_as(agent)
    api.get(url("macros"))  # the token's first use is logged once
    for number in range(4):
        make(agent, name=f"M{number}", assignee=agent, transfer_to=department, minutes=1)
    # The token, its use noted (a savepoint around the conditional UPDATE), the agent's
    # departments, the macros with what they name: the same however many macros.
    with django_assert_num_queries(6):
        assert len(api.get(url("macros")).json()) == 4
