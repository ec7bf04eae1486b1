"""A master user in a Portuguese browser (S2 §4.11, §4 5b): comments on a colleague's ticket,
is offered neither its priority nor its closing, and reads the agent's answer as the e-mail it
was. The `pt_br_page` fixture fails the test on a known English phrase, in pages and mails."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import entrar
from tickets import services
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_master_user_comments_on_a_colleagues_ticket_and_reads_a_reply_as_e_mail(
    pt_br_page, live_server, master_user, colleague, agent, password, department, normal_priority
):
    for person in (master_user, colleague):
        person.language = "pt-br"
        person.save(update_fields=["language"])
    ticket = open_for(colleague, department, title="Boleto não imprime")
    services.reply_to_ticket(
        ticket=ticket, actor=agent, body_html="<p>Atualize para a versão 2.4, por favor.</p>"
    )
    page = pt_br_page
    entrar(page, live_server.url, master_user, password)
    page.goto(f"{live_server.url}/tickets/?scope=organization")
    expect(page.locator("td.ticket-company").first).to_have_text("Acme Ltda")
    page.get_by_role("link", name="Boleto não imprime").click()

    expect(page.get_by_text("só quem o abriu altera a prioridade")).to_be_visible()
    expect(page.get_by_role("button", name="Alterar prioridade")).to_have_count(0)
    expect(page.get_by_text("Encerrar o ticket")).to_have_count(0)
    page.locator("#reply-form .jodit-wysiwyg").click()
    page.keyboard.type("Aqui também acontece.")
    page.get_by_role("button", name="Enviar resposta").click()
    expect(page.get_by_text("Sua resposta foi gravada.")).to_be_visible()
    expect(page.locator(".entry-reply").filter(has_text="Aqui também acontece.")).to_be_visible()

    reply = page.locator(".entry-reply").filter(has_text="Atualize para a versão 2.4")
    reply.get_by_role("link", name="Exibir como e-mail").click()
    expect(page.locator("#email-subject")).to_contain_text(f"#{ticket.number}")
    expect(page.locator(".email-to")).to_have_text(colleague.email)
    expect(page.get_by_text("De", exact=True)).to_be_visible()
    expect(page.get_by_text("Para", exact=True)).to_be_visible()
    expect(page.locator(".email-body")).to_contain_text("Atualize para a versão 2.4, por favor.")
    ticket.refresh_from_db()
    assert ticket.entries.filter(kind="reply", author=master_user).exists()
