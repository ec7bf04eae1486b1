import re

import pytest
from playwright.sync_api import expect

from core import kept
from tests.browser.conftest import field
from tests.browser.test_portal_flow import log_in, write
from tickets import services
from tickets.models import CannedReply, ProgressLabel, Ticket
from tickets.tests.factories import PriorityFactory
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db(transaction=True)


def editor_in(page, form_id, text):
    page.locator(f"#{form_id} .jodit-wysiwyg").click()
    page.keyboard.type(text)


def test_a_days_work_from_the_agent_panel(
    browser, live_server, light_user, agent, manager, other_agent, password, department,
    other_department,
):  # fmt: skip
    PriorityFactory(name="Normal", is_default=True)
    ticket = open_for(light_user, department, title="Report is blank")
    base = live_server.url
    desk = browser.new_context().new_page()
    customer = browser.new_context().new_page()
    for page in (desk, customer):
        page.set_default_timeout(10_000)

    # The agent claims the new ticket and replies.
    log_in(desk, base, agent, password)
    desk.goto(f"{base}/agent/")
    expect(desk.locator('[data-queue-count="new"]')).to_have_text("1")
    desk.get_by_role("link", name="Report is blank").click()
    desk.get_by_role("button", name="Claim").click()
    expect(desk.get_by_text("The ticket is yours.")).to_be_visible()
    editor_in(desk, "agent-reply-form", "Which browser do you use?")
    desk.get_by_role("button", name="Send reply").click()
    expect(desk.get_by_text("Your reply is sent.")).to_be_visible()

    # The customer sees the reply and answers.
    log_in(customer, base, light_user, password)
    customer.goto(f"{base}/tickets/{ticket.number}/")
    expect(customer.get_by_text("Which browser do you use?")).to_be_visible()
    expect(customer.locator(".status-badge").first).to_have_text("Waiting for your reply")
    write(customer, "Chromium 156.")
    customer.get_by_role("button", name="Send reply").click()
    expect(customer.get_by_text("Your reply is saved.")).to_be_visible()

    # It is now in the agent's "Customer replied" queue.
    desk.goto(f"{base}/agent/?queue=customer_replied")
    expect(desk.get_by_role("link", name="Report is blank")).to_be_visible()
    expect(desk.locator('[data-queue-count="customer_replied"]')).to_have_text("1")

    # An escalation to Billing blocks resolving until it is finalized.
    desk.get_by_role("link", name="Report is blank").click()
    desk.get_by_role("link", name="Escalate").click()
    field(desk, "To department").select_option(label="Billing")
    field(desk, "Subject").fill("Check the customer's plan")
    write(desk, "Is the report in their plan?")
    desk.get_by_role("button", name="Escalate").click()
    expect(desk.get_by_text(re.compile(r"Escalated as #\d+"))).to_be_visible()
    expect(
        desk.get_by_text("cannot be resolved or finalized while its escalations are open").first
    ).to_be_visible()
    child = Ticket.objects.get(parent=ticket)

    billing = browser.new_context().new_page()
    billing.set_default_timeout(10_000)
    log_in(billing, base, other_agent, password)
    billing.goto(f"{base}/agent/tickets/{child.number}/")
    billing.get_by_role("button", name="Claim").click()
    billing.get_by_role("link", name="Finalize").click()
    field(billing, "Reason").fill("It is in the plan.")
    billing.get_by_role("button", name="Finalize").click()
    # Nobody answered the escalation: finalizing it is confirmed first.
    expect(billing.get_by_text("Confirm that it ends without an answer.")).to_be_visible()
    billing.get_by_label("Nobody answered this ticket: finalize it all the same").check()
    billing.get_by_role("button", name="Finalize").click()
    expect(billing.get_by_text("The ticket is finalized.")).to_be_visible()

    # The manager transfers it back to Support's queue, then the agent resolves it.
    manager_page = browser.new_context().new_page()
    manager_page.set_default_timeout(10_000)
    log_in(manager_page, base, manager, password)
    manager_page.goto(f"{base}/agent/tickets/{ticket.number}/")
    manager_page.get_by_role("link", name="Transfer").click()
    field(manager_page, "Department").select_option(label="Support")
    field(manager_page, "Agent").select_option(label=agent.full_name)
    manager_page.get_by_role("button", name="Transfer").click()
    expect(
        manager_page.get_by_text(f"Ticket {ticket.reference} is transferred to Support.")
    ).to_be_visible()

    desk.goto(f"{base}/agent/tickets/{ticket.number}/")
    desk.locator("summary", has_text="Resolve").click()
    editor_in(desk, "agent-resolve-form", "The plan covers it; it works now.")
    desk.get_by_role("button", name="Resolve").last.click()
    expect(desk.get_by_text("Resolved. The customer is asked to rate it.")).to_be_visible()

    # The customer rates the resolved ticket, which closes it.
    customer.goto(f"{base}/tickets/{ticket.number}/")
    customer.locator("label[for=id_rating-score_0]").click()  # five stars
    customer.get_by_role("button", name="Send my rating").click()
    expect(customer.locator(".status-badge").first).to_have_text("Closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.rating.score == 5


def test_a_canned_reply_goes_into_the_editor_filled_for_the_ticket(
    page, live_server, light_user, agent, password, department, csp_violations
):
    PriorityFactory(name="Normal", is_default=True)
    ticket = open_for(light_user, department, title="Where is my invoice?")
    services.claim_ticket(ticket=ticket, actor=agent)
    CannedReply.objects.create(
        title="Greeting", body_html="<p>Hi {customer_first_name}, about {ticket_number}.</p>",
        department=department,
    )  # fmt: skip
    log_in(page, live_server.url, agent, password)
    page.goto(f"{live_server.url}/agent/tickets/{ticket.number}/")
    canned = page.get_by_label("Canned reply")
    canned.focus()
    expect(canned.locator("option", has_text="Greeting")).to_have_count(1)
    canned.hover()  # a second event asks no second time
    canned.select_option(label="Greeting")
    greeting = f"Hi {light_user.first_name}, about {ticket.reference}."
    expect(page.locator("#agent-reply-form .jodit-wysiwyg")).to_have_text(greeting)
    expect(canned).to_have_value("")
    expect(canned.locator("option", has_text="Greeting")).to_have_count(1)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent.")).to_be_visible()
    assert greeting in ticket.entries.latest("id").body_text
    assert csp_violations == []


def test_a_progress_step_reaches_the_customers_page_and_inbox(
    browser, live_server, light_user, agent, password, department
):
    from django.core import mail

    from tickets.tests.factories import ProgressLabelFactory

    ProgressLabelFactory(name="Waiting for the supplier", name_pt_br="Aguardando fornecedor")
    light_user.language = "pt-br"  # their mail, and their pages once they log in
    light_user.save()
    ticket = open_for(light_user, department, title="Report is blank")
    services.claim_ticket(ticket=ticket, actor=agent)
    base = live_server.url
    desk = browser.new_context().new_page()
    desk.set_default_timeout(10_000)
    log_in(desk, base, agent, password)
    desk.goto(f"{base}/agent/tickets/{ticket.number}/")
    desk.locator("select[name=label]").select_option(label="Waiting for the supplier")
    desk.locator("textarea[name=body]").fill("The supplier answers by Friday.")
    desk.get_by_role("button", name="Apply").click()
    expect(desk.get_by_text("The progress is updated.")).to_be_visible()

    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, light_user, password)
    page.goto(f"{base}/tickets/{ticket.number}/")
    # The header's badge and the history's card name the step the same way.
    expect(page.locator(".progress-badge")).to_have_text("Andamento: Aguardando fornecedor")
    expect(page.locator(".entry-progress .badge.text-bg-info")).to_have_text(
        "Andamento: Aguardando fornecedor"
    )
    expect(page.get_by_text("The supplier answers by Friday.")).to_be_visible()
    # Named at reading time: a label an administrator renames reads by its new name.
    ProgressLabel.objects.update(name_pt_br="Aguardando o fornecedor")
    kept.forget()
    page.reload()
    expect(page.locator(".entry-progress .badge.text-bg-info")).to_have_text(
        "Andamento: Aguardando o fornecedor"
    )
    assert any(
        "Aguardando fornecedor" in message.subject
        for message in mail.outbox
        if light_user.email in message.to
    )


def test_claiming_decides_who_answers_a_ticket(
    page, live_server, light_user, agent, password, department, csp_violations
):
    from accounts.tests.factories import AgentFactory
    from mail.models import OutboundEmail

    PriorityFactory(name="Normal", is_default=True)
    teammate = AgentFactory(
        email="teammate@helpdesk.example", departments=[department], password=password
    )
    unclaimed = open_for(light_user, department, title="Nobody has it yet")
    contested = open_for(light_user, department, title="Two agents want it")
    base = live_server.url
    log_in(page, base, teammate, password)

    # Answering an unclaimed ticket claims it, and the page and the history say so.
    page.goto(f"{base}/agent/tickets/{unclaimed.number}/")
    editor_in(page, "agent-reply-form", "Looking into it.")
    page.get_by_role("button", name="Send reply").click()
    expect(
        page.get_by_text("Your reply is sent and the ticket is yours: you claimed it by replying.")
    ).to_be_visible()
    expect(page.get_by_text(f"{teammate.full_name} claimed it by replying.")).to_be_visible()
    unclaimed.refresh_from_db()
    assert unclaimed.assignee == teammate

    # While the teammate writes, the agent claims the other ticket: the reply is refused with
    # a message, and the text stays in the editor.
    page.goto(f"{base}/agent/tickets/{contested.number}/")
    services.claim_ticket(ticket=contested, actor=agent)
    editor_in(page, "agent-reply-form", "I can help.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text(f"{agent.full_name} has already claimed this ticket.")).to_be_visible()
    expect(page.locator("#agent-reply-form .jodit-wysiwyg")).to_have_text("I can help.")
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    assert not contested.entries.filter(kind="reply").exists()

    # Taking it over ("Assumir") is in the history and mailed to the agent; then it is answered.
    page.get_by_role("button", name="Take over", exact=True).click()
    expect(page.get_by_text(f"The ticket is yours now; {agent.full_name} is told.")).to_be_visible()
    expect(page.get_by_text(f"took it over from {agent.full_name}.")).to_be_visible()
    editor_in(page, "agent-reply-form", "It is mine now: try version 2.4.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is sent.")).to_be_visible()
    contested.refresh_from_db()
    assert contested.assignee == teammate
    assert contested.entries.get(kind="reply").author == teammate
    assert OutboundEmail.objects.filter(
        to=agent.email, template="tickets/ticket_taken_over"
    ).exists()
    assert csp_violations == []
