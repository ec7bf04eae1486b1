import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_portal_flow import log_in
from tickets import printing, services
from tickets.models import TicketPdf
from tickets.tests.factories import PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(download) -> str:
    content = open(download.path(), "rb").read()  # noqa: SIM115
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_customer_and_agent_print_and_download_the_pdf(
    browser, live_server, light_user, agent, password, department
):
    PriorityFactory(name="Normal", is_default=True)
    ticket = open_for(light_user, department, title="Relatório não imprime")
    services.claim_ticket(ticket=ticket, actor=agent)
    services.add_note(ticket=ticket, actor=agent, body_html="<p>checked the logs</p>")
    services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Atualize para 2.4</p>")
    base = live_server.url

    customer = browser.new_context(accept_downloads=True).new_page()
    log_in(customer, base, light_user, password)
    customer.goto(f"{base}/tickets/{ticket.number}/")
    with customer.expect_popup() as popup:
        customer.get_by_role("link", name="Print", exact=True).click()
    printed = popup.value
    expect(printed.get_by_role("heading", name="Relatório não imprime")).to_be_visible()
    expect(printed.get_by_text("Atualize para 2.4")).to_be_visible()
    assert printed.get_by_text("checked the logs").count() == 0
    with customer.expect_download() as waiting:
        customer.get_by_role("link", name="PDF").click()
    text = pdf_text(waiting.value)
    assert f"#{ticket.number}" in text
    assert "Atualize para 2.4" in text
    assert "checked the logs" not in text

    desk = browser.new_context(accept_downloads=True).new_page()
    log_in(desk, base, agent, password)
    desk.goto(f"{base}/agent/tickets/{ticket.number}/")
    desk.get_by_label("notes").check()
    with desk.expect_download() as waiting:
        desk.get_by_role("button", name="PDF").click()
    text = pdf_text(waiting.value)
    assert "checked the logs" in text
    assert "Internal copy" in text


def test_the_wait_page_downloads_the_pdf_once_the_worker_is_done(
    page, live_server, light_user, password, department, csp_violations
):
    PriorityFactory(name="Normal", is_default=True)
    ticket = open_for(light_user, department, title="Relatório atrasado")
    # A PDF the worker has not made yet: the wait page shows and asks until it is ready.
    pdf = TicketPdf.objects.create(ticket=ticket, key="browser-wait", variant="customer")
    log_in(page, live_server.url, light_user, password)
    page.goto(live_server.url + reverse("tickets:pdf_wait", args=[ticket.number, pdf.id]))
    expect(page.get_by_text("It downloads by itself when it is ready.")).to_be_visible()
    with page.expect_download() as waiting:
        printing.render_ticket_pdf(pdf.id, "en")
    assert "Relatório atrasado" in pdf_text(waiting.value)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(page.get_by_text("It downloads by itself when it is ready.")).to_be_hidden()
    assert csp_violations == []
