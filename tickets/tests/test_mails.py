"""Who is mailed about what (tickets.mails): each side hears of the other, notes never leave."""

import pytest
from django.core import mail

from accounts.tests.factories import CustomerFactory
from mail.models import OutboundEmail
from tickets import services
from tickets.models import TicketFollower
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_agent_reply_reaches_the_customer_in_their_language_and_threads(
    committed, light_user, department, agent
):
    light_user.language = "pt-br"
    light_user.save()
    with committed():
        ticket = open_for(light_user, department)
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Atualize para 2.4</p>")
    reply = sent_to(light_user.email)[-1]
    assert reply.subject.startswith(f"[#{ticket.number}] Nova resposta")
    assert "Atualize para 2.4" in reply.body
    assert reply.extra_headers["References"] == ticket.email_thread_id


def test_internal_notes_never_reach_the_customer(committed, ticket, agent, light_user):
    mail.outbox.clear()
    with committed():
        services.add_note(ticket=ticket, actor=agent, body_html="<p>secret</p>")
    assert sent_to(light_user.email) == []
    assert not OutboundEmail.objects.filter(body_text__contains="secret").exists()


def test_the_customers_reply_is_acknowledged_and_followers_get_it(
    committed, ticket, agent, light_user
):
    TicketFollower.objects.create(ticket=ticket, user=agent)
    mail.outbox.clear()
    with committed():
        services.reply_to_ticket(ticket=ticket, actor=light_user, body_html="<p>More detail</p>")
    assert "We got your message" in sent_to(light_user.email)[0].subject
    to_agent = sent_to(agent.email)[0]
    assert "More detail" in to_agent.body
    assert "/agent/tickets/" in to_agent.body


def test_a_reply_that_came_by_mail_is_not_acknowledged_but_followers_get_it(
    committed, ticket, agent, light_user
):
    TicketFollower.objects.create(ticket=ticket, user=agent)
    mail.outbox.clear()
    with committed():
        services.reply_to_ticket(
            ticket=ticket, actor=light_user, body_html="<p>By mail</p>",
            message_id="<loop-1@customer.example>",
        )  # fmt: skip
    assert sent_to(light_user.email) == []
    assert "By mail" in sent_to(agent.email)[0].body


def test_no_mail_to_the_customer_when_the_agent_said_so(committed, agent, light_user, department):
    with committed():
        ticket = services.open_ticket_for_customer(
            actor=agent, customer=light_user, department=department, title="t",
            body_html="<p>x</p>", notify_customer=False,
        )  # fmt: skip
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>quiet</p>")
    assert sent_to(light_user.email) == []


def test_assignment_mails_the_agent_unless_they_opted_out(
    committed, ticket, manager, agent, department
):
    from accounts.tests.factories import AgentFactory

    quiet = AgentFactory(departments=[department], email_notifications=False)
    with committed():
        services.assign_ticket(ticket=ticket, actor=manager, agent=agent)
        services.assign_ticket(ticket=ticket, actor=manager, agent=quiet)
    assert "Assigned to you" in sent_to(agent.email)[0].subject
    assert sent_to(quiet.email) == []


def test_an_answered_escalation_mails_the_parents_agent(
    committed, ticket, agent, other_agent, other_department
):
    services.claim_ticket(ticket=ticket, actor=agent)
    child = services.escalate_ticket(
        ticket=ticket, actor=agent, department=other_department, title="x", body_html="<p>x</p>"
    )
    services.claim_ticket(ticket=child, actor=other_agent)
    mail.outbox.clear()
    with committed():
        services.reply_to_ticket(ticket=child, actor=other_agent, body_html="<p>Refunded</p>")
    (message,) = sent_to(agent.email)
    assert "Escalation answered" in message.subject
    assert "Refunded" in message.body


@pytest.mark.parametrize("finish", ["resolve_ticket", "finalize_ticket"])
def test_the_parents_agent_finishing_the_escalation_is_not_mailed_about_it(
    committed, ticket, department, other_department, other_agent, finish
):
    from accounts.tests.factories import AgentFactory

    both = AgentFactory(email="both@helpdesk.example", departments=[department, other_department])
    services.claim_ticket(ticket=ticket, actor=both)
    child = services.escalate_ticket(
        ticket=ticket, actor=both, department=other_department, title="x", body_html="<p>x</p>"
    )
    services.claim_ticket(ticket=child, actor=both)
    confirm = {"unanswered": True} if finish == "finalize_ticket" else {}
    mail.outbox.clear()
    with committed():
        getattr(services, finish)(ticket=child, actor=both, **confirm)
    assert sent_to(both.email) == []
    # Finished by someone else, the parent's agent hears of it.
    with committed():
        services.reopen_ticket(ticket=child, actor=both)
        services.take_over_ticket(ticket=child, actor=other_agent)
        getattr(services, finish)(ticket=child, actor=other_agent, **confirm)
    subjects = [message.subject for message in sent_to(both.email)]
    assert any("Escalation answered" in subject for subject in subjects), subjects


def test_resolution_asks_for_a_rating_and_guests_get_a_signed_link(committed, department, agent):
    guest = CustomerFactory(email="guest@example.com", email_confirmed_at=None)
    guest.set_unusable_password()
    guest.save()
    with committed():
        ticket = open_for(guest, department)
        services.claim_ticket(ticket=ticket, actor=agent)
        services.resolve_ticket(ticket=ticket, actor=agent, body_html="<p>Done</p>")
    resolved = sent_to(guest.email)[-1]
    assert "Rate our answer" in resolved.subject
    assert "/tickets/access/" in resolved.body


def test_account_mails_go_through_the_outbox_too(client):
    client.post(
        "/accounts/signup/",
        {"full_name": "Ana", "email": "ana@example.com", "email_confirmation": "ana@example.com",
         "password1": "a-long-unusual-phrase", "password2": "a-long-unusual-phrase"},
    )  # fmt: skip
    row = OutboundEmail.objects.get()
    assert row.template == "accounts/confirm_email"
    assert row.status == OutboundEmail.Status.SENT


def test_an_escalation_of_an_unclaimed_ticket_never_mails_its_customer(
    committed, ticket, agent, other_agent, other_department, light_user
):
    child = services.escalate_ticket(
        ticket=ticket, actor=agent, department=other_department, title="x", body_html="<p>x</p>"
    )
    services.claim_ticket(ticket=child, actor=other_agent)
    mail.outbox.clear()
    with committed():
        services.reply_to_ticket(
            ticket=child, actor=other_agent, body_html="<p>internal answer</p>"
        )
    assert sent_to(light_user.email) == []
    assert "internal answer" in sent_to(agent.email)[0].body


def test_a_manager_assigning_to_themselves_gets_no_mail(committed, ticket, manager, department):
    from accounts.models import DepartmentMembership

    DepartmentMembership.objects.filter(user=manager, department=department).update(is_manager=True)
    mail.outbox.clear()
    with committed():
        services.assign_ticket(ticket=ticket, actor=manager, agent=manager)
    assert sent_to(manager.email) == []


def test_a_progress_step_reaches_the_customer_in_their_language(committed, ticket, agent):
    from tickets.tests.factories import ProgressLabelFactory

    ticket.requester.language = "pt-br"
    ticket.requester.save()
    waiting = ProgressLabelFactory(
        name="Waiting for the supplier", name_pt_br="Aguardando fornecedor"
    )
    services.claim_ticket(ticket=ticket, actor=agent)
    mail.outbox.clear()
    with committed():
        services.set_progress(
            ticket=ticket,
            actor=agent,
            label=waiting,
            body_html="<p>O fornecedor responde até sexta.</p>",
        )
    (message,) = sent_to(ticket.requester.email)
    assert "Aguardando fornecedor" in message.subject
    assert "Aguardando fornecedor" in message.body
    assert "O fornecedor responde até sexta." in message.body
    assert "Waiting for the supplier" not in message.body
