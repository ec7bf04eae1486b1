"""One entry of a ticket "as an e-mail" and printed alone (S2 §4 5b, 5c), and the reply mail that
tells the customer the agent, the status and the due date (S4 §4)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mail.models import OutboundEmail
from tickets import services
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def answered(committed, ticket, agent):
    """The light user's ticket with the agent's reply, mailed to them."""
    with committed():
        entry = services.reply_to_ticket(
            ticket=ticket, actor=agent, body_html="<p>Update to <b>2.4</b>, please.</p>"
        )
    return entry


def email_url(entry):
    return reverse("tickets:entry_email", args=[entry.ticket.number, entry.id])


def print_url(entry):
    return reverse("tickets:print_entry", args=[entry.ticket.number, entry.id])


def test_an_agents_reply_shows_as_the_mail_the_customer_was_sent(
    client, answered, light_user, settings
):
    row = OutboundEmail.objects.get(id=answered.data["mail_id"])
    assert row.to == light_user.email
    client.force_login(light_user)
    html = client.get(email_url(answered)).content.decode()
    assert f'<h1 class="h5 mb-2" id="email-subject">{row.subject}</h1>' in html
    assert f'email-to">{light_user.email}</dd>' in html
    assert "email-from" in html
    assert "Update to 2.4, please." in html
    assert "/tickets/access/" not in html  # the mail's link to the ticket is not shown


def test_a_customer_message_shows_rebuilt_as_an_e_mail(client, ticket, light_user, department):
    department.email = "suporte@helpdesk.example"
    department.save()
    # A name with a dot ("Mr. Jr.") is quoted in an address, as RFC 5322 wants.
    light_user.full_name = "Ana Souza"
    light_user.save(update_fields=["full_name"])
    opening = ticket.entries.get(kind="message")
    client.force_login(light_user)
    html = client.get(email_url(opening)).content.decode()
    assert f"{light_user.full_name} &lt;{light_user.email}&gt;" in html
    assert "suporte@helpdesk.example" in html
    assert f"[#{ticket.number}] {ticket.title}" in html
    assert "The printer says no." in html


def test_the_ticket_page_links_each_message_to_its_e_mail_and_print(client, answered, light_user):
    client.force_login(light_user)
    html = client.get(reverse("tickets:detail", args=[answered.ticket.number])).content.decode()
    assert f'href="{email_url(answered)}"' in html
    assert f'href="{print_url(answered)}"' in html


def test_printing_one_entry_prints_it_alone(client, answered, light_user):
    client.force_login(light_user)
    html = client.get(print_url(answered)).content.decode()
    assert "Update to <b>2.4</b>, please." in html
    assert "The printer says no." not in html  # the opening message is not this entry


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("light_user", 200),
        ("master_user", 200),
        ("agent", 200),
        ("administrator", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("other_agent", 404),
    ],
)
def test_who_may_see_an_entry_as_e_mail_and_print_it(client, request, answered, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(email_url(answered)).status_code == status
    assert client.get(print_url(answered)).status_code == status


def test_a_visitor_is_asked_to_log_in(client, answered):
    assert client.get(email_url(answered)).status_code == 302
    assert client.get(print_url(answered)).status_code == 302


def test_a_note_is_never_shown_as_e_mail_or_printed_to_the_customer(
    client, ticket, agent, light_user
):
    note = services.add_note(ticket=ticket, actor=agent, body_html="<p>Secret</p>")
    client.force_login(light_user)
    assert client.get(email_url(note)).status_code == 404
    assert client.get(print_url(note)).status_code == 404


def test_an_entry_of_another_ticket_is_404(client, answered, light_user, department):
    other = open_for(light_user, department, title="Another")
    client.force_login(light_user)
    url = reverse("tickets:entry_email", args=[other.number, answered.id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("tickets:print_entry", args=[other.number, answered.id])).status_code
        == 404
    )


# The reply mail (S4 §4)


def test_the_reply_mail_names_the_agent_the_status_and_the_due_date_in_portuguese(
    committed, light_user, department, agent
):
    light_user.language = "pt-br"
    light_user.save()
    with committed():
        ticket = open_for(light_user, department)
        ticket.due_at = timezone.datetime(
            2026, 12, 1, 15, 32, tzinfo=timezone.get_current_timezone()
        )
        ticket.save(update_fields=["due_at"])
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Atualize para 2.4</p>")
    reply = [m for m in mail.outbox if light_user.email in m.to][-1]
    assert f"Agente: {agent.full_name}" in reply.body
    assert "Status: Esperando sua resposta" in reply.body
    assert "Vencimento: 01/12/2026 15:32" in reply.body
    html = reply.alternatives[0][0]
    assert agent.full_name in html
    assert "01/12/2026 15:32" in html


def test_the_reply_mail_in_english_reads_month_first_nowhere(committed, ticket, agent, light_user):
    with committed():
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Try again</p>")
    reply = [m for m in mail.outbox if light_user.email in m.to][-1]
    assert f"Agent: {agent.full_name}" in reply.body
    assert "Status: Waiting for your reply" in reply.body
    assert "Due: " in reply.body
