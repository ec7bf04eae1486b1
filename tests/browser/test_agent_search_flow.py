"""An agent in a Portuguese browser finds a closed ticket by a word and goes to one by number;
a number they may not see answers as one that does not exist."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar, field
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory
from tickets.tests.fixtures import open_for
from tickets.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_an_agent_searches_closed_tickets_and_goes_to_a_number(
    pt_br_page, live_server, agent, password, light_user, outsider, department, other_department
):
    agent.language = "pt-br"
    agent.save(update_fields=["language"])
    closed = open_for(light_user, department, title="Impressora travando",
                      body_html="<p>A bandeja range muito.</p>")  # fmt: skip
    Ticket.objects.filter(id=closed.id).update(status=Status.CLOSED)
    hidden = TicketFactory(title="Fatura sigilosa", requester=outsider, department=other_department)
    page = pt_br_page
    base = live_server.url
    entrar(page, base, agent, password)
    page.goto(f"{base}/agent/")
    page.get_by_role("link", name="Resolvidos e encerrados").click()
    expect(page.locator("table.search-results")).to_contain_text("Impressora travando")
    field(page, "Palavras").fill("bandeja")
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.locator("table.search-results tbody tr")).to_have_count(1)
    expect(page.locator("table.search-results")).to_contain_text("Encerrado")

    go = page.get_by_label("Número do ticket")
    go.fill(str(hidden.number))
    page.get_by_role("button", name="Ir", exact=True).click()
    expect(
        page.get_by_text(f"Não há ticket {hidden.number} entre os que você pode ver.")
    ).to_be_visible()
    expect(page.get_by_text("Fatura sigilosa")).to_have_count(0)

    page.get_by_label("Número do ticket").fill(f"#{closed.number}")
    page.get_by_role("button", name="Ir", exact=True).click()
    expect(page).to_have_url(f"{base}/agent/tickets/{closed.number}/")
    expect(page.get_by_role("heading", name="Impressora travando")).to_be_visible()
