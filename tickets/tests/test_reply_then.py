"""One action for "send and resolve" and "send and open the next ticket of this queue"."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import AgentFactory
from tickets import services
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


def url(name, ticket):
    return reverse(f"agent:{name}", args=[ticket.number])


def test_send_and_resolve_replies_then_resolves_the_ticket(client, ticket, agent):
    client.force_login(agent)
    response = client.post(
        url("reply", ticket), {"reply-body": "<p>Fixed in 2.4</p>", "reply-then": "resolve"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "Your reply is sent and the ticket is yours" in html
    assert "Resolved." in html
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.assignee == agent
    assert ticket.entries.get(kind="reply").body_html == "<p>Fixed in 2.4</p>"


def test_send_and_next_opens_the_next_ticket_of_the_queue_the_agent_came_from(
    client, ticket, agent, light_user, department
):
    after = open_for(light_user, department, title="The next one")
    client.force_login(agent)
    response = client.post(url("reply", ticket), {
        "reply-body": "<p>Done</p>", "reply-then": "reply_and_wait", "reply-next": "on",
        "reply-queue": "queue=new&sort=number",
    })  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == url("ticket", after)
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"


def test_send_and_next_on_the_last_ticket_goes_back_to_the_queue(client, ticket, agent):
    client.force_login(agent)
    response = client.post(url("reply", ticket), {
        "reply-body": "<p>Done</p>", "reply-then": "resolve", "reply-next": "on",
        "reply-queue": "queue=mine&q=nothing",
    })  # fmt: skip
    assert response["Location"] == reverse("agent:queues") + "?queue=mine&q=nothing"
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


@pytest.mark.parametrize("queue", ["", "queue=%ZZ&sort=nonsense", "?" * 3000])
def test_send_and_next_takes_any_queue_text_without_an_error(client, ticket, agent, queue):
    client.force_login(agent)
    data = {"reply-body": "<p>Done</p>", "reply-then": "reply_and_wait", "reply-next": "on",
            "reply-queue": queue}  # fmt: skip
    response = client.post(url("reply", ticket), data)
    assert response.status_code in (200, 302)
    if len(queue) > 2000:  # refused beside the field, the text kept
        assert response.status_code == 200
        assert not ticket.entries.filter(kind="reply").exists()


def test_a_refused_reply_neither_resolves_nor_moves_on(client, ticket, agent, department):
    services.claim_ticket(ticket=ticket, actor=AgentFactory(departments=[department]))
    client.force_login(agent)
    response = client.post(url("reply", ticket), {
        "reply-body": "<p>Mine</p>", "reply-then": "resolve", "reply-next": "on",
    })  # fmt: skip
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status != "resolved"


def test_send_and_resolve_mails_the_customer_once_the_resolving_mail_with_the_reply(
    client, ticket, agent, light_user, django_capture_on_commit_callbacks
):
    """Found walking S3: the customer got 'New reply … Status: In progress' and then the
    rating mail; the reply is in the one mail that asks for the rating."""
    mail.outbox.clear()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reply", ticket), {"reply-body": "<p>Fixed in 2.4</p>",
                                           "reply-then": "resolve"})  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    to_customer = [m for m in mail.outbox if light_user.email in m.to]
    assert len(to_customer) == 1
    assert "Fixed in 2.4" in to_customer[0].body
    assert "Solved? Rate our answer" in to_customer[0].subject
    assert ticket.entries.filter(kind="reply").count() == 1


def test_send_and_resolve_with_an_escalation_open_sends_the_reply_and_says_why(
    client, ticket, agent, other_department, light_user, django_capture_on_commit_callbacks
):
    services.claim_ticket(ticket=ticket, actor=agent)
    services.escalate_ticket(ticket=ticket, actor=agent, department=other_department,
                             title="Refund", body_html="<p>Please refund</p>")  # fmt: skip
    mail.outbox.clear()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        data = {"reply-body": "<p>Working on it</p>", "reply-then": "resolve"}
        response = client.post(url("reply", ticket), data, follow=True)
    assert "Its escalations are still open" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status != "resolved"
    to_customer = [m for m in mail.outbox if light_user.email in m.to]
    assert len(to_customer) == 1
    assert "Working on it" in to_customer[0].body
    assert "New reply" in to_customer[0].subject
