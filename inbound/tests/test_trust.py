"""Mail that claims to be staff or a customer proves it: forged mail piped through the real
inbound path (`manage.py receive_mail`, `mail.inbox`), held replies and their acceptance."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import DepartmentMembership, User
from accounts.tests.factories import AgentFactory
from inbound.handler import receive
from inbound.services import accept_held_reply
from mail import inbox, trust
from mail.models import OutboundEmail, ReceivedMessage
from tickets import services
from tickets.models import InboundEmail, Ticket
from tickets.services import NotAllowed
from tickets.tests.fixtures import open_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(joao, support, agent, django_capture_on_commit_callbacks):
    DepartmentMembership.objects.get_or_create(user=agent, department=support)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(joao, support)
        services.claim_ticket(ticket=ticket, actor=agent)
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    mail.outbox.clear()
    return ticket


def message(*, sender, subject, to="support@helpdesk.example", headers="", body="Obrigado.",
            message_id="<forged-1@attacker.example>") -> bytes:  # fmt: skip
    return (
        f"{headers}Message-ID: {message_id}\nFrom: {sender}\nTo: {to}\nSubject: {subject}\n"
        f"Date: Mon, 23 Nov 2026 10:40:00 -0300\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n"
    ).encode()


def pipe(raw: bytes, monkeypatch) -> ReceivedMessage:
    """The mail server's pipe: `manage.py receive_mail` with the message on standard input."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_mail", stdout=io.StringIO())
    return ReceivedMessage.objects.latest("id")


FORGED_RESULTS = (
    "Authentication-Results: mx.attacker.example; dkim=pass header.d=helpdesk.example\n"
)


def test_a_forged_agent_mail_piped_in_is_held_and_reaches_no_customer(
    answered, agent, monkeypatch, django_capture_on_commit_callbacks
):
    # The default: no trusted authserv-id, so the attacker's own header counts for nothing.
    raw = message(
        sender=f"Joan <{agent.email}>", subject=f"Re: [#{answered.number}]",
        headers=FORGED_RESULTS, body="Please pay to account 666.",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        received = pipe(raw, monkeypatch)
    assert received.status == ReceivedMessage.Status.PROCESSED
    record = InboundEmail.objects.get(message_id="<forged-1@attacker.example>")
    assert record.outcome == InboundEmail.Outcome.HELD
    assert not answered.entries.filter(kind="reply", body_text__contains="666").exists()
    assert answered.entries.filter(kind="note", is_public=False, body_text__contains="666")
    assert [m for m in mail.outbox if "joao@empresa.example" in m.to] == []


def test_a_forged_agent_mail_opens_no_ticket_in_the_agents_name(support, agent, monkeypatch):
    raw = message(sender=agent.email, subject="Urgent", headers=FORGED_RESULTS)
    pipe(raw, monkeypatch)
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.HELD
    assert not Ticket.objects.exists()


def test_with_the_trusted_id_set_only_the_topmost_header_counts(answered, agent, settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = "mx.helpdesk.example"
    ours = "Authentication-Results: mx.helpdesk.example; dkim=none\n"
    below = "Authentication-Results: mx.helpdesk.example; dkim=pass header.d=helpdesk.example\n"
    raw = message(sender=agent.email, subject=f"[#{answered.number}]", headers=ours + below)
    assert receive(raw).outcome == InboundEmail.Outcome.HELD
    signed = message(sender=agent.email, subject=f"[#{answered.number}]", headers=below,
                     message_id="<signed@helpdesk.example>")  # fmt: skip
    assert receive(signed).outcome == InboundEmail.Outcome.REPLIED


def test_a_reply_on_the_from_line_alone_is_held_and_mailed_to_nobody(
    answered, joao, django_capture_on_commit_callbacks
):
    raw = message(sender="joao@empresa.example", subject=f"Re: [#{answered.number}]")
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(raw)
    assert record.outcome == InboundEmail.Outcome.HELD
    note = answered.entries.filter(kind="note").last()
    assert not note.is_public
    assert "Unverified reply from joao@empresa.example" in note.body_text
    assert note.data["held_reply"]["user"] == joao.id
    assert not answered.entries.filter(kind="reply", author=joao).exists()
    assert mail.outbox == []


def test_every_ticket_mail_replies_to_a_mac_address_of_the_ticket_and_recipient(answered, joao):
    row = OutboundEmail.objects.filter(to=joao.email).latest("id")
    local, _sep, domain = row.reply_to.partition("@")
    assert domain == "helpdesk.example"
    assert local.startswith(f"support+{answered.number}.")
    assert trust.signed_numbers([row.reply_to], joao.email) == {answered.number}
    assert trust.signed_numbers([row.reply_to], "other@empresa.example") == set()
    assert len(row.message_id) > 32
    assert "helpdesk" not in row.message_id.split("@")[0]


def test_a_reply_to_the_mac_address_is_the_customers_reply(answered, joao):
    address = trust.reply_address(answered.number, joao.email, base="support@helpdesk.example")
    raw = message(sender="joao@empresa.example", subject="Re: anything", to=address)
    record = receive(raw)
    assert record.outcome == InboundEmail.Outcome.REPLIED
    assert record.ticket == answered
    assert answered.entries.filter(kind="reply", author=joao, body_text="Obrigado.").exists()


def test_a_mac_address_forwarded_to_someone_else_does_not_vouch(answered, joao):
    address = trust.reply_address(answered.number, "someone@else.example")
    raw = message(sender="joao@empresa.example", subject=f"Re: [#{answered.number}]", to=address)
    assert receive(raw).outcome == InboundEmail.Outcome.HELD


def test_a_reply_naming_a_message_id_we_sent_for_the_ticket_is_verified(answered, joao):
    sent = OutboundEmail.objects.filter(to=joao.email).latest("id")
    headers = f"In-Reply-To: {sent.message_id}\n"
    raw = message(sender="joao@empresa.example", subject="Re: x", headers=headers)
    assert receive(raw).outcome == InboundEmail.Outcome.REPLIED


def test_a_dkim_pass_of_our_server_for_the_requesters_domain_verifies_a_reply(answered, settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = "mx.helpdesk.example"
    headers = "Authentication-Results: mx.helpdesk.example; dkim=pass header.d=empresa.example\n"
    raw = message(sender="joao@empresa.example", subject=f"[#{answered.number}]", headers=headers)
    assert receive(raw).outcome == InboundEmail.Outcome.REPLIED


def test_an_agent_accepts_a_held_reply_with_one_click(
    answered, joao, agent, client, password, django_capture_on_commit_callbacks
):
    receive(message(sender="joao@empresa.example", subject=f"Re: [#{answered.number}]"))
    note = answered.entries.filter(kind="note").last()
    client.login(email=agent.email, password=password)
    page = client.get(reverse("agent:ticket", args=[answered.number]))
    url = reverse("inbound:accept_held_reply", args=[answered.number, note.id])
    assert f'formaction="{url}"' in page.content.decode()
    assert 'id="held-reply-form"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    reply = answered.entries.get(kind="reply", author=joao)
    assert reply.is_public
    assert reply.body_text == "Obrigado."
    note.refresh_from_db()
    assert note.data["held_reply"]["accepted_by"] == agent.full_name
    assert answered.entries.filter(kind="edit", data__held_reply_accepted=joao.email).exists()
    # Came by mail: not acknowledged by mail to the customer.
    assert [m for m in mail.outbox if joao.email in m.to] == []
    again = client.post(url, follow=True)
    assert "cannot be accepted" in again.content.decode()
    assert answered.entries.filter(kind="reply", author=joao).count() == 1


def test_only_an_agent_who_works_on_the_ticket_may_accept(answered, joao, client, password):
    receive(message(sender="joao@empresa.example", subject=f"Re: [#{answered.number}]"))
    note = answered.entries.filter(kind="note").last()
    outsider = AgentFactory(email="outsider@helpdesk.example", password=password)
    with pytest.raises(NotAllowed):
        accept_held_reply(entry=note, actor=outsider)
    client.login(email=outsider.email, password=password)
    url = reverse("inbound:accept_held_reply", args=[answered.number, note.id])
    assert client.post(url).status_code == 404
    client.login(email=joao.email, password=password)
    assert client.post(url).status_code == 403
    assert not answered.entries.filter(kind="reply", author=joao).exists()


def test_a_note_that_holds_no_reply_cannot_be_accepted(answered, agent):
    note = services.add_note(ticket=answered, actor=agent, body_html="<p>mine</p>")
    with pytest.raises(NotAllowed):
        accept_held_reply(entry=note, actor=agent)


def test_accepting_on_a_closed_ticket_says_so(answered, joao, agent, client, password):
    receive(message(sender="joao@empresa.example", subject=f"Re: [#{answered.number}]"))
    note = answered.entries.filter(kind="note").last()
    services.close_ticket(ticket=answered, actor=joao)
    client.login(email=agent.email, password=password)
    url = reverse("inbound:accept_held_reply", args=[answered.number, note.id])
    assert "closed ticket" in client.post(url, follow=True).content.decode()


@pytest.mark.parametrize(
    "sender",
    [
        '"x" <<script>alert(1)</script>@evil.example>',
        "<img src=x onerror=alert(1)>",
        "not an address",
        "a@b@c.example",
        "",
    ],
)
def test_a_malformed_from_is_refused_and_recorded(support, sender):
    record = receive(message(sender=sender, subject="Hello"))
    assert record.outcome == InboundEmail.Outcome.IGNORED
    assert "not a valid address" in record.detail
    assert not Ticket.objects.exists()
    assert not User.objects.filter(email__contains="<").exists()
    assert User.objects.count() == 0


def test_markup_in_a_display_name_is_dropped(support):
    record = receive(message(sender='"<b>Boss</b>" <boss@empresa.example>', subject="Hi"))
    assert record.outcome == InboundEmail.Outcome.OPENED
    assert "<" not in record.ticket.requester.full_name


def test_a_subject_and_name_past_their_fields_are_cut_not_lost(support):
    # On PostgreSQL a display name past the 150 characters of a name left the mail pending
    # (DataError) and, after two days, failed: run with DATABASE_URL pointing at it.
    record = inbox.receive(
        message(sender=f'"{"Nome " * 60}" <longo@empresa.example>', subject="Assunto " * 80)
    )
    assert record.status == ReceivedMessage.Status.PROCESSED
    ticket = Ticket.objects.get()
    assert len(ticket.title) <= 200
    assert len(ticket.requester.full_name) <= 150
