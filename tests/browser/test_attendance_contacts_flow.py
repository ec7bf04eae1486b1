"""S1 1.1.4 and 1.2 in a Portuguese browser: "E-mail Suporte Online" takes the first letters
of an address, suggests it, and "Avançar" lists that person's earlier chats and tickets with
their date, subject and login."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from chat.models import ChatSession
from tests.browser.conftest import entrar, field
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_online_support_email_lists_the_persons_chats_and_tickets(
    pt_br_page, live_server, agent, light_user, department, password, csp_violations
):
    page, base = pt_br_page, live_server.url
    ticket = open_for(light_user, department, title="Wi-Fi lento")
    ChatSession.objects.create(
        visitor_name=light_user.full_name, visitor_email="outro@example.net",
        department=department, visitor=light_user,
    )  # fmt: skip
    entrar(page, base, agent, password)
    page.goto(f"{base}/agent/attendance/new/")
    page.get_by_label("Telefone").check()
    page.get_by_role("button", name="Avançar", exact=True).click()

    address = field(page, "E-mail Suporte Online")
    address.fill(light_user.email[:4])
    expect(page.locator("#known-addresses option")).to_have_attribute("value", light_user.email)
    address.fill(light_user.email)
    page.get_by_role("button", name="Avançar", exact=True).click()
    rows = page.locator(".contacts-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Chat")).to_contain_text(light_user.email)  # the login
    expect(rows.filter(has_text="Wi-Fi lento")).to_contain_text(ticket.reference)

    field(page, "Contatos").select_option(label="Suporte online (chat)")
    page.get_by_role("button", name="Buscar").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Chat")
    assert csp_violations == []
