"""An agent reading the panel in Portuguese applies a macro from the ticket page: chooses it,
reads the reply with its placeholders filled and the list of actions, confirms."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import entrar
from tickets.models import TicketEntry
from tickets.tests.fixtures import open_for
from tickets.workflow import Status
from workspace import macros

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_applies_a_macro_from_the_ticket_page(
    pt_br_page, live_server, agent, light_user, department, normal_priority, password
):
    page = pt_br_page
    ticket = open_for(light_user, department)
    agent.language = "pt-br"
    agent.save(update_fields=["language"])
    macros.save_macro(
        actor=agent, name="Boleto", body_html="<p>Olá {customer_first_name}, segue.</p>",
        minutes=10,
    )  # fmt: skip

    entrar(page, live_server.url, agent, password)
    page.goto(f"{live_server.url}/agent/tickets/{ticket.number}/")
    page.get_by_role("link", name="Aplicar macro").click()
    page.get_by_role("button", name="Pré-visualizar").click()
    expect(page.locator(".macro-text")).to_contain_text(f"Olá {light_user.first_name}, segue.")
    expect(page.locator(".macro-steps")).to_contain_text("Responder e aguardar o cliente")
    expect(page.locator(".macro-steps")).to_contain_text("Tempo trabalhado: 10 min")
    page.get_by_role("button", name="Confirmar e aplicar").click()

    expect(page.get_by_text("Macro “Boleto” aplicada")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CUSTOMER
    assert ticket.entries.get(kind=TicketEntry.Kind.TIME).minutes == 10
