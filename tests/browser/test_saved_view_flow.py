"""A manager in a Portuguese browser saves a search as a view shared with their department; an
agent of it finds the view beside the queues, with its count, and opens the same tickets."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar, field
from tickets.models import Ticket
from tickets.tests.fixtures import open_for
from tickets.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_shared_view_is_counted_and_opened_by_an_agent_of_the_department(
    pt_br_page, browser, english_watch, live_server, manager, agent, password, light_user,
    department,
):  # fmt: skip
    for person in (manager, agent):
        person.language = "pt-br"
        person.save(update_fields=["language"])
    closed = open_for(light_user, department, title="Bandeja da impressora",
                      body_html="<p>A bandeja range muito.</p>")  # fmt: skip
    open_for(light_user, department, title="Bandeja nova", body_html="<p>Outra bandeja.</p>")
    Ticket.objects.filter(id=closed.id).update(status=Status.CLOSED)
    base = live_server.url
    page = pt_br_page
    entrar(page, base, manager, password)
    page.goto(f"{base}/agent/")
    page.get_by_role("link", name="Resolvidos e encerrados").click()
    field(page, "Palavras").fill("bandeja")
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.locator("table.search-results tbody tr")).to_have_count(1)
    field(page, "Nome da visão").fill("Bandejas encerradas")
    page.get_by_label("Compartilhar com").select_option(label="Suporte")
    page.get_by_role("button", name="Salvar esta visão").click()
    expect(page.locator("table.search-results")).to_contain_text("Bandeja da impressora")
    expect(page.locator("table.search-results")).not_to_contain_text("Bandeja nova")

    context = browser.new_context(locale="pt-BR")
    other = context.new_page()
    english_watch.watch(other)
    entrar(other, base, agent, password)
    other.goto(f"{base}/agent/")
    views = other.get_by_role("group", name="Visões salvas")
    shared = views.get_by_role("link", name="Bandejas encerradas")
    expect(shared).to_contain_text("Suporte")  # whom it is shared with
    expect(shared.locator("[data-view-count]")).to_have_text("1")
    shared.click()
    expect(other.locator("table.search-results tbody tr")).to_have_count(1)
    expect(other.locator("table.search-results")).to_contain_text("Bandeja da impressora")
    english_watch.inspect(other)
    context.close()
