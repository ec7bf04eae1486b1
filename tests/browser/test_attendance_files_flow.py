"""Files chosen on the first contact of an attendance and on the agent's "Enviar E-mail"
(S1 1.7.1, 1.9.1) stay attached when the form is refused for another field, each file of the
first contact with its "Observações"; in a Portuguese browser."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from attendance.models import AttendanceType, ServicePlan
from attendance.tests.test_attendance import taken
from drafts.models import DraftFile
from tests.browser.conftest import entrar, field
from tickets.models import Attachment, TicketEntry

pytestmark = pytest.mark.django_db(transaction=True)

REQUIRED = "Este campo é obrigatório."


@pytest.fixture
def report_file(tmp_path):
    path = tmp_path / "laudo-do-modem.txt"
    path.write_text("Luzes apagadas às 9h.")
    return path


@override_settings(LANGUAGE_CODE="pt-br")
def test_first_contact_files_and_their_notes_survive_a_refusal(
    pt_br_page, live_server, agent, light_user, department, password, report_file, csp_violations
):
    page, base = pt_br_page, live_server.url
    plan = ServicePlan.objects.create(name="Home plan", name_pt_br="Plano residencial",
                                      department=department)  # fmt: skip
    AttendanceType.objects.create(name="By phone", name_pt_br="Por telefone")
    attendance = taken(agent, light_user, plan)
    entrar(page, base, agent, password)
    page.goto(f"{base}/agent/attendance/{attendance.id}/first-contact/")

    field(page, "Anexos").set_input_files(str(report_file))
    kept = page.locator(".draft-files li", has_text="laudo-do-modem.txt")
    expect(kept).to_be_visible()
    kept.get_by_label("Observações sobre laudo-do-modem.txt").fill("Foto tirada pelo cliente")
    # No type and no description: refused, the file and its note still there.
    page.get_by_role("button", name="Salvar o primeiro contato").click()
    expect(page.get_by_text(REQUIRED).first).to_be_visible()
    expect(kept).to_be_visible()
    expect(kept.get_by_label("Observações sobre laudo-do-modem.txt")).to_have_value(
        "Foto tirada pelo cliente"
    )

    field(page, "Tipo de atendimento").select_option(label="Por telefone")
    field(page, "O que foi verificado e feito").fill("Modem reiniciado.")
    page.get_by_role("button", name="Salvar o primeiro contato").click()
    expect(page.locator(".protocol-number")).to_be_visible()
    stored = Attachment.objects.get(entry__ticket=attendance.ticket)
    assert (stored.name, stored.note) == ("laudo-do-modem.txt", "Foto tirada pelo cliente")
    assert not DraftFile.objects.exists()

    page.goto(f"{base}/agent/tickets/{attendance.ticket.number}/")
    expect(page.locator(".attachment", has_text="laudo-do-modem.txt")).to_contain_text(
        "Foto tirada pelo cliente"
    )
    assert csp_violations == []


@override_settings(LANGUAGE_CODE="pt-br")
def test_files_of_the_agents_email_survive_a_refusal(
    pt_br_page, live_server, agent, light_user, department, password, report_file, csp_violations
):
    page, base = pt_br_page, live_server.url
    plan = ServicePlan.objects.create(name="Home plan", name_pt_br="Plano residencial",
                                      department=department)  # fmt: skip
    ticket = taken(agent, light_user, plan).ticket
    entrar(page, base, agent, password)
    page.goto(f"{base}/agent/tickets/{ticket.number}/email/")

    field(page, "Anexos").set_input_files(str(report_file))
    kept = page.locator(".draft-files li", has_text="laudo-do-modem.txt")
    expect(kept).to_be_visible()
    # No subject: refused, the file still attached (once).
    field(page, "Mensagem").fill("Segue o laudo.")
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_text(REQUIRED)).to_have_count(1)
    expect(kept).to_have_count(1)

    field(page, "Assunto").fill("Laudo do modem")
    page.get_by_role("button", name="Enviar").click()
    expect(page).to_have_url(f"{base}/agent/tickets/{ticket.number}/")
    sent = TicketEntry.objects.get(ticket=ticket, kind=TicketEntry.Kind.EMAIL)
    assert [a.name for a in sent.attachments.all()] == ["laudo-do-modem.txt"]
    assert not DraftFile.objects.exists()
    assert csp_violations == []
