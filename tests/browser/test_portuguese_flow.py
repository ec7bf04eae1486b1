"""A guest's ticket in a Portuguese browser: every page and mail of it in Portuguese (the
`pt_br_page` fixture fails the test on a known English phrase), the editor's toolbar too."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import ENGLISH, field
from tickets.models import Ticket
from tickets.tests.factories import CategoryFactory, PriorityFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(department):
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    CategoryFactory(name="Question", name_pt_br="Dúvida")


def test_the_watch_knows_the_english_it_looks_for():
    found = ENGLISH.findall("Bold Italic · 3:22 p.m. · 1 December · Up to 10 files")
    assert found == ["Bold", "Italic", " p.m.", "December", "Up to 1"]
    assert ENGLISH.findall("Negrito · 15:22 · 1 de dezembro · Até 10 arquivos") == []


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_guest_opens_a_ticket_in_portuguese_and_is_mailed_in_portuguese(
    pt_br_page, live_server, department, catalogue
):
    page = pt_br_page
    page.goto(f"{live_server.url}/tickets/new/")
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    expect(page.get_by_text("Até 10 arquivos, 25 MB no total.")).to_be_visible()
    toolbar = page.locator(".jodit-toolbar__box").first
    for name, words in {
        "bold": "Negrito",
        "table": "Inserir tabela",
        "quote": "Citação",
        "superscript": "sobrescrito",
        "eraser": "Limpar formatação",
    }.items():
        expect(toolbar.locator(f".jodit-toolbar-button_{name}").first).to_have_attribute(
            "title", words
        )
    expect(toolbar.get_by_role("button", name="Negrito")).to_be_visible()
    field(page, "Seu nome").fill("Gabi Visitante")
    field(page, "Seu e-mail").fill("gabi@example.com")
    field(page, "Título").fill("Onde está meu pedido?")
    field(page, "Departamento").select_option(label="Suporte")
    field(page, "Categoria").select_option(label="Dúvida")
    page.locator(".jodit-wysiwyg").first.click()
    page.keyboard.type("Comprei na semana passada.")
    page.get_by_role("button", name="Abrir o ticket").click()
    expect(page.get_by_role("heading", name="Verifique seu e-mail")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.requester.language == "pt-br"
    (receipt,) = [m for m in mail.outbox if "gabi@example.com" in m.to]
    assert re.search(r"Ticket recebido", receipt.subject)
