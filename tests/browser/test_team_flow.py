"""A manager in a Portuguese browser opens the team's view from the navigation, follows a
number to the tickets behind it, and sees the figures change without reloading."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar
from tickets.tests.factories import TicketFactory
from tickets.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_manager_follows_a_number_to_its_tickets_and_sees_it_change_live(
    pt_br_page, live_server, manager, agent, password, department
):
    manager.language = "pt-br"
    manager.save(update_fields=["language"])
    TicketFactory(title="Aguardando a nota", department=department, assignee=agent,
                  status=Status.WAITING_CUSTOMER)  # fmt: skip
    TicketFactory(title="Em aberto", department=department, assignee=agent, status=Status.OPEN)
    page = pt_br_page
    base = live_server.url
    entrar(page, base, manager, password)
    page.goto(f"{base}/agent/")
    page.get_by_role("link", name="Equipe", exact=True).click()
    expect(page.get_by_role("heading", name="A equipe")).to_be_visible()
    row = page.locator("table.team-agents tr", has_text=agent.full_name)
    expect(row.locator('[data-figure="open"]')).to_have_text("2")

    TicketFactory(title="Chegou agora", department=department, assignee=agent, status=Status.NEW)
    # The page asks htmx for the figures every 30 s; ask now instead of waiting.
    page.evaluate("htmx.ajax('GET', location.pathname, '#team-figures')")
    expect(row.locator('[data-figure="open"]')).to_have_text("3")

    row.locator('[data-figure="waiting"]').click()
    expect(page.locator("table.search-results tbody tr")).to_have_count(1)
    expect(page.locator("table.search-results")).to_contain_text("Aguardando a nota")
