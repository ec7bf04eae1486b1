"""A manager reading the panel in Portuguese ticks the page, then every ticket that matches
(50), and assigns them all to another agent in one action."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AgentFactory
from tests.browser.conftest import entrar, field
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_assigns_50_tickets_to_another_agent(
    pt_br_page, live_server, manager, light_user, department, password
):
    page = pt_br_page
    bia = AgentFactory(full_name="Bia Lima", departments=[department], password=password)
    TicketFactory.create_batch(50, requester=light_user, department=department)
    manager.language = "pt-br"
    manager.save(update_fields=["language"])

    entrar(page, live_server.url, manager, password)
    page.goto(f"{live_server.url}/agent/?queue=new")
    expect(page.locator(".bulk-pick")).to_have_count(25)  # one page of the 50
    page.get_by_label("Selecionar todos desta página").check()
    expect(page.locator(".bulk-pick:checked")).to_have_count(25)
    page.get_by_role("button", name="Selecionar todos os 50 tickets da lista").click()
    expect(page.get_by_text("Todos os tickets da lista estão selecionados.")).to_be_visible()
    page.get_by_label("Ação", exact=True).select_option(label="Atribuir a um agente")
    page.get_by_role("button", name="Aplicar aos tickets selecionados").click()

    expect(page.get_by_text("Todos os 50 tickets da lista.")).to_be_visible()
    field(page, "Agente").select_option(label="Bia Lima")
    page.get_by_role("button", name="Aplicar", exact=True).click()
    expect(page.get_by_text("50 tickets atribuídos")).to_be_visible()
    assert Ticket.objects.filter(assignee=bia).count() == 50
