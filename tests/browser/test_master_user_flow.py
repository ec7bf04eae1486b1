"""A master user in a Portuguese browser on a colleague's ticket (S4 §7, S2 §3-4): every place
that names its status says whom it waits for (the requester, not the reader), the links to the
ticket are the creator's to revoke, and the creator hears of the master user's comment."""

import io

import pytest
from django.core import mail
from django.test import override_settings
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import entrar
from tickets import services
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)

THEIRS = "Esperando avaliação do solicitante"
MINE = "Esperando sua avaliação"


def _portuguese(*people):
    for person in people:
        person.language = "pt-br"
        person.save(update_fields=["language"])


def _resolved_ticket_of(colleague, department, agent):
    ticket = open_for(colleague, department, title="Boleto não imprime")
    services.claim_ticket(ticket=ticket, actor=agent)
    services.resolve_ticket(ticket=ticket, actor=agent, body_html="<p>Corrigido na 2.4.</p>")
    return ticket


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_master_user_reads_a_colleagues_resolved_ticket_as_waiting_for_its_requester(
    browser, english_watch, live_server, master_user, colleague, agent, password, department,
    normal_priority,
):  # fmt: skip
    _portuguese(master_user, colleague)
    ticket = _resolved_ticket_of(colleague, department, agent)
    base = live_server.url
    context = browser.new_context(locale="pt-BR", accept_downloads=True)
    page = context.new_page()
    english_watch.watch(page)
    entrar(page, base, master_user, password)
    page.goto(f"{base}/tickets/{ticket.number}/")
    expect(page.locator(".status-badge").first).to_have_text(THEIRS)
    history = page.locator("ol.thread")
    expect(history).to_contain_text(f"“{THEIRS}”")
    expect(history).not_to_contain_text(MINE)

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Imprimir", exact=True).click()
    printed = popup.value
    expect(printed.locator("body")).to_contain_text(THEIRS)
    expect(printed.locator("body")).not_to_contain_text(MINE)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="PDF").click()
    content = open(waiting.value.path(), "rb").read()  # noqa: SIM115
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert THEIRS in text
    assert MINE not in text

    page.goto(f"{base}/tickets/?scope=organization")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Exportar em CSV").click()
    csv_text = open(waiting.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    row = next(line for line in csv_text.splitlines() if str(ticket.number) in line)
    assert THEIRS in row
    assert MINE not in csv_text
    context.close()

    # The requester still reads it as theirs, on the page and in print.
    own = browser.new_context(locale="pt-BR").new_page()
    entrar(own, base, colleague, password)
    own.goto(f"{base}/tickets/{ticket.number}/")
    expect(own.locator(".status-badge").first).to_have_text(MINE)
    with own.expect_popup() as popup:
        own.get_by_role("link", name="Imprimir", exact=True).click()
    expect(popup.value.locator("body")).to_contain_text(MINE)


@override_settings(LANGUAGE_CODE="pt-br")
def test_only_the_creator_revokes_the_links_and_hears_of_a_master_users_comment(
    pt_br_page, browser, live_server, master_user, colleague, agent, password, department,
    normal_priority, client,
):  # fmt: skip
    _portuguese(master_user, colleague)
    ticket = open_for(colleague, department, title="Nota fiscal rejeitada")
    base, page = live_server.url, pt_br_page
    entrar(page, base, master_user, password)
    # A master user opens on the organization's tickets (S4 §7).
    expect(page).to_have_url(f"{base}/tickets/?scope=organization")
    page.get_by_role("link", name="Nota fiscal rejeitada").click()
    expect(page.get_by_role("button", name="Revogar links de acesso")).to_have_count(0)
    client.force_login(master_user)
    assert client.post(f"/tickets/{ticket.number}/revoke-links/").status_code == 403

    mail.outbox.clear()
    page.locator("#reply-form .jodit-wysiwyg").click()
    page.keyboard.type("Já falei com o contador.")
    page.get_by_role("button", name="Enviar resposta").click()
    expect(page.get_by_text("Sua resposta foi gravada.")).to_be_visible()
    told = [message for message in mail.outbox if colleague.email in message.to]
    assert len(told) == 1
    assert told[0].subject == (
        f"[#{ticket.number}] {master_user.full_name} comentou no seu ticket: Nota fiscal rejeitada"
    )
    assert "Já falei com o contador." in told[0].body

    creator = browser.new_context(locale="pt-BR").new_page()
    entrar(creator, base, colleague, password)
    creator.goto(f"{base}/tickets/{ticket.number}/")
    creator.get_by_role("button", name="Revogar links de acesso").click()
    expect(creator).to_have_url(f"{base}/tickets/{ticket.number}/")
    expect(creator.get_by_text("pararam de funcionar")).to_be_visible()
