"""An agent reading the panel in Portuguese merges a duplicate into the customer's other
ticket (the preview shows both), then the customer's mail reply to the merged number lands in
the surviving ticket."""

import pytest
from playwright.sync_api import expect

from inbound.handler import receive
from mail.trust import reply_address
from tests.browser.conftest import entrar, field
from tickets.models import InboundEmail, Ticket
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


def reply_mail(ticket, sender) -> bytes:
    # Answered to the Reply-To our mail about the merged ticket carried (signed for its number).
    to = reply_address(ticket.number, sender.email, base=ticket.department.email)
    return (
        f"From: {sender.full_name} <{sender.email}>\r\nTo: {to}\r\n"
        f"Subject: Re: [#{ticket.number}] {ticket.title}\r\n"
        "Message-ID: <merged-reply-1@acme.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nA impressora voltou a falhar hoje.\r\n"
    ).encode()


def test_a_merge_then_a_mail_reply_to_the_merged_number_lands_in_the_survivor(
    pt_br_page, live_server, agent, light_user, department, password
):
    page = pt_br_page
    kept = open_for(light_user, department, title="Impressora não imprime")
    duplicate = open_for(light_user, department, title="Impressora de novo",
                         body_html="<p>Ainda sem imprimir.</p>")  # fmt: skip
    agent.language = "pt-br"
    agent.save(update_fields=["language"])

    entrar(page, live_server.url, agent, password)
    page.goto(f"{live_server.url}/agent/tickets/{duplicate.number}/")
    page.get_by_role("link", name="Mesclar", exact=True).click()
    field(page, "Ticket a manter (o número dele)").fill(str(kept.number))
    page.get_by_role("button", name="Pré-visualizar").click()
    expect(page.locator(".merge-source")).to_contain_text("Impressora de novo")
    expect(page.locator(".merge-target")).to_contain_text("Impressora não imprime")
    page.get_by_role("button", name="Confirmar a mesclagem").click()

    expect(page.get_by_text(f"#{duplicate.number} foi mesclado em #{kept.number}.")).to_be_visible()
    moved = page.locator(".entry", has_text="Ainda sem imprimir.")
    expect(moved.locator(".merged-from")).to_have_text(f"de #{duplicate.number}")
    expect(
        page.locator(".entry", has_text="The printer says no.").locator(".merged-from")
    ).to_have_count(0)

    record = receive(reply_mail(Ticket.objects.get(id=duplicate.id), light_user))
    assert record.outcome == InboundEmail.Outcome.REPLIED
    assert record.ticket_id == kept.id
    page.goto(f"{live_server.url}/agent/tickets/{duplicate.number}/")
    expect(page).to_have_url(f"{live_server.url}/agent/tickets/{kept.number}/")
    expect(page.get_by_text("A impressora voltou a falhar hoje.")).to_be_visible()
