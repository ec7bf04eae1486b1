"""A phone call taken in the browser from the search to the protocol number (manual S1)."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import (
    Attendance,
    AttendanceScript,
    AttendanceType,
    ScriptOption,
    ScriptQuestion,
    ServicePlan,
)
from tests.browser.conftest import entrar, field
from tests.browser.test_portal_flow import log_in
from tickets.models import ServiceOrder, Ticket
from tickets.tests.factories import PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phone_call_from_search_to_protocol_with_a_script_and_a_service_order(
    page, live_server, agent, light_user, department, password, csp_violations
):
    PriorityFactory(name="Normal", is_default=True)
    agent.is_technician = True
    agent.save(update_fields=["is_technician"])
    earlier = open_for(light_user, department, title="Slow Wi-Fi", body_html="<p>It drops.</p>")
    ServicePlan.objects.create(name="Home plan", department=department)
    AttendanceType.objects.create(name="Answered by phone")
    script = AttendanceScript.objects.create(name="No internet")
    lights = ScriptQuestion.objects.create(
        script=script, position=0, question="Are the modem lights on?",
        client_explanation="Look at the front of the modem.",
        operator_explanation="Open the line monitor.",
    )  # fmt: skip
    cable = ScriptQuestion.objects.create(script=script, position=1, question="Is the cable in?")
    ScriptOption.objects.create(question=lights, position=0, label="Yes")
    ScriptOption.objects.create(question=lights, position=1, label="No", next_question=cable)
    ScriptOption.objects.create(question=cable, label="It was loose")
    base = live_server.url

    log_in(page, base, agent, password)
    page.get_by_role("link", name="New attendance").click()
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Next").click()

    # Earlier contacts of the caller's address, suggested from its first letters.
    field(page, "Online support e-mail").fill("light@")
    expect(page.locator("#known-addresses option")).to_have_attribute("value", light_user.email)
    field(page, "Online support e-mail").fill(light_user.email)
    field(page, "Last days").fill("30")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 earlier contact")).to_be_visible()
    page.get_by_text(f"{earlier.reference} Slow Wi-Fi").click()
    expect(page.get_by_text("It drops.")).to_be_visible()
    page.get_by_role("button", name="Next", exact=True).click()

    # The client, found by e-mail.
    field(page, "Field").select_option("email")
    field(page, "Condition").select_option("starts_with")
    field(page, "Search for").fill("light@")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("row", name=re.compile(light_user.email)).get_by_role(
        "button", name="Choose"
    ).click()

    # Plan (its routing shows at once) and the problem in the client's words.
    expect(page.get_by_text("Client data")).to_be_visible()
    field(page, "Plan").select_option(label="Home plan")
    expect(page.get_by_text("Routes to: Support")).to_be_visible()
    page.get_by_role("button", name="Next: script").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    field(page, "Problem described by the client").fill("No internet since this morning.")
    page.get_by_role("button", name="Next: script").click()

    # The script: an answer, back, the same answer, then the end.
    field(page, "Attendance script").select_option(label="No internet")
    page.get_by_role("button", name="Use this script").click()
    expect(page.get_by_text("Are the modem lights on?")).to_be_visible()
    expect(page.get_by_text("Look at the front of the modem.")).to_be_visible()
    expect(page.get_by_text("Open the line monitor.")).to_be_visible()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Is the cable in?")).to_be_visible()
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("It was loose").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("The script has reached its end.")).to_be_visible()
    page.get_by_role("button", name="End script").click()

    # First contact, asking for a service order.
    field(page, "Attendance type").select_option(label="Answered by phone")
    field(page, "What was checked and done").fill("Cable was loose; a visit is needed.")
    page.get_by_label("Ask for a service order").check()
    page.get_by_role("button", name="Save the first contact").click()

    # The agenda: a free hour of the technician opens the order at that time.
    page.locator("#main").get_by_role("link", name="Agenda").click()
    expect(page.get_by_role("heading", name="Technician agenda")).to_be_visible()
    page.locator(".agenda-next").click()  # tomorrow: the hours of today may have passed
    page.get_by_role("link", name=re.compile(rf"Schedule {agent.full_name} at 10:00")).click()
    expect(field(page, "Start")).to_have_value("10:00")
    expect(field(page, "End")).to_have_value("11:00")
    expect(page.locator("[data-duration]")).to_have_text("1 h 00 min")
    field(page, "Type").select_option(label="On-site visit")
    field(page, "Work to be done").fill("Fix the cable at the client's.")
    page.get_by_role("button", name="Save the service order").click()

    # The protocol number, shown and mailed.
    protocol = page.locator(".protocol-number")
    expect(protocol).to_be_visible()
    attendance = Attendance.objects.get()
    number = attendance.ticket.reference
    expect(protocol).to_have_text(number)
    assert any(
        number in message.subject and "protocol" in message.subject for message in mail.outbox
    )
    order = ServiceOrder.objects.get()
    assert (order.technician, order.ticket) == (agent, attendance.ticket)
    assert (timezone.localtime(order.starts_at).hour, order.duration_minutes) == (10, 60)
    assert "It was loose" in attendance.ticket.entries.get(data__attendance="script").body_text
    assert csp_violations == []


@override_settings(LANGUAGE_CODE="pt-br")
def test_a_step_reopened_and_changed_in_a_portuguese_page(
    pt_br_page, live_server, agent, light_user, colleague, department, other_department, password
):
    page = pt_br_page
    agent.language = "pt-br"
    agent.can_transfer_tickets = False  # the type's routing is the system's, not a transfer
    agent.save(update_fields=["language", "can_transfer_tickets"])
    PriorityFactory(name="Normal", name_pt_br="Normal", is_default=True)
    ServicePlan.objects.create(
        name="Home plan", name_pt_br="Plano residencial", department=department
    )
    AttendanceType.objects.create(
        name="Second copy", name_pt_br="Segunda via", department=other_department
    )
    base = live_server.url
    entrar(page, base, agent, password)
    page.goto(f"{base}/agent/attendance/new/")
    page.get_by_label("Telefone").check()
    page.get_by_role("button", name="Avançar", exact=True).click()

    # The address typed is searched on "Avançar"; the next "Avançar" goes on, its person picked.
    field(page, "E-mail Suporte Online").fill(light_user.email)
    page.get_by_role("button", name="Avançar", exact=True).click()
    expect(page.locator("#found-title")).to_be_visible()
    page.get_by_role("button", name="Avançar", exact=True).click()
    expect(page.get_by_text(light_user.full_name).first).to_be_visible()
    page.locator("a.step-link[data-step=details]").click()
    field(page, "Plano").select_option(label="Plano residencial")
    field(page, "Problema descrito pelo cliente").fill("Sem internet desde cedo.")
    page.get_by_role("button", name="Avançar: script").click()
    page.get_by_role("button", name="Seguir sem script").click()

    # Back to the client step: another person; what was typed after it stays.
    page.locator("a.step-link[data-step=client]").click()
    field(page, "Campo").select_option("email")
    field(page, "Procurar").fill(colleague.email)
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("row", name=re.compile(colleague.email)).get_by_role(
        "button", name="Escolher"
    ).click()
    expect(field(page, "Problema descrito pelo cliente")).to_have_value("Sem internet desde cedo.")
    page.get_by_role("button", name="Avançar: script").click()
    page.get_by_role("link", name="Avançar: primeiro contato").click()

    # The routed type says where it goes before the first contact is saved.
    field(page, "Tipo de atendimento").select_option(label="Segunda via")
    expect(
        page.get_by_text("Encaminha o ticket para: Financeiro, na fila do setor")
    ).to_be_visible()
    field(page, "O que foi verificado e feito").fill("Pediu a segunda via do boleto.")
    page.get_by_role("button", name="Salvar o primeiro contato").click()
    expect(page.locator(".protocol-number")).to_be_visible()
    ticket = Ticket.objects.get(attendance=Attendance.objects.get())
    assert (ticket.requester, ticket.department) == (colleague, other_department)
