"""The agent panel from the keyboard, in a Portuguese browser: each shortcut, the list of them
in Portuguese, and "send and open the next ticket" of the queue the agent came from."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar
from tickets.models import Ticket
from tickets.tests.factories import PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


def ready(page):
    """The page's shortcuts listen (the keys pressed before its scripts ran would be lost)."""
    expect(page.locator("html")).to_have_attribute("data-shortcuts", "on")


@override_settings(LANGUAGE_CODE="pt-br")
def test_an_agent_works_the_queue_from_the_keyboard(
    pt_br_page, live_server, agent, password, light_user, department
):
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    agent.language = "pt-br"
    agent.save(update_fields=["language"])
    first, second = sorted(
        [open_for(light_user, department, title=title) for title in ("Boleto", "Nota fiscal")],
        key=lambda ticket: ticket.number,
    )  # the queue below lists them by number
    page, base = pt_br_page, live_server.url
    entrar(page, base, agent, password)
    queue = f"{base}/agent/?queue=new&sort=number"
    page.goto(queue)
    ready(page)

    # `?` lists the shortcuts, in Portuguese.
    page.keyboard.press("?")
    help_list = page.locator("#shortcuts-help")
    expect(help_list.get_by_role("heading", name="Atalhos de teclado")).to_be_visible()
    expect(help_list.get_by_text("Voltar à fila")).to_be_visible()
    expect(help_list).to_be_focused()  # shown: Bootstrap moved the focus into it
    page.keyboard.press("Escape")
    expect(help_list).to_be_hidden()

    # `/` focuses the search; typing there is text, not shortcuts.
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
    page.keyboard.type("jk")
    expect(page.locator("#id_q")).to_have_value("jk")
    expect(page.locator("tr.table-active")).to_have_count(0)
    page.keyboard.press("Escape")

    # `j` and `k` move in the list, `Enter` opens.
    rows = page.locator("[data-shortcut-list] tbody tr")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile("table-active"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile("table-active"))
    expect(rows.nth(0)).not_to_have_class(re.compile("table-active"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("table-active"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/agent/tickets/{first.number}/")
    ready(page)

    # `c` claims.
    page.keyboard.press("c")
    expect(page.get_by_text("O ticket é seu.")).to_be_visible()
    ready(page)
    first.refresh_from_db()
    assert first.assignee == agent

    # `n` opens the note; letters typed in the editor stay text; Ctrl+Enter sends it.
    page.keyboard.press("n")
    expect(page.locator("#agent-note-form .jodit-wysiwyg")).to_be_focused()
    page.keyboard.type("ligar para o cliente na sexta")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Sua nota foi gravada.")).to_be_visible()
    ready(page)
    assert first.entries.get(kind="note").body_html == ("<p>ligar para o cliente na sexta</p>")

    # `r` goes to the reply; "send and open the next ticket" lands on the queue's next one.
    page.keyboard.press("r")
    expect(page.locator("#agent-reply-form .jodit-wysiwyg")).to_be_focused()
    page.keyboard.type("Estornamos a cobrança em dobro.")
    page.get_by_role("button", name="Enviar e abrir o próximo ticket").click()
    expect(page).to_have_url(f"{base}/agent/tickets/{second.number}/")
    expect(page.get_by_text("Sua resposta foi enviada.")).to_be_visible()
    ready(page)
    assert Ticket.objects.get(id=first.id).status == "waiting_customer"

    # `g q` goes back to the queue the agent read, `/` on a ticket to that queue's search.
    page.keyboard.press("g")
    page.keyboard.press("q")
    expect(page).to_have_url(queue)
    page.goto(f"{base}/agent/tickets/{second.number}/")
    ready(page)
    page.keyboard.press("/")
    expect(page).to_have_url(queue)
    expect(page.locator("#id_q")).to_be_focused()
