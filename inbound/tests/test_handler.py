import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from inbound.handler import receive
from mail import inbox
from mail.models import OutboundEmail, ReceivedMessage
from tickets import services
from tickets.models import InboundEmail, Ticket
from tickets.tests.fixtures import open_for
from workspace.merge import merge_tickets

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent / "mail"


def eml(name, **values) -> bytes:
    text = (MAIL / name).read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    return text.encode()


@pytest.fixture(autouse=True)
def trusted_server(settings):
    """Our receiving server's Authentication-Results are trusted, unless a test says not."""
    settings.INBOUND_TRUSTED_AUTHSERV_ID = "mx.helpdesk.example"


@pytest.fixture
def answered(joao, support, agent, django_capture_on_commit_callbacks):
    """João's ticket, answered by an agent: the mail João replies to."""
    from accounts.models import DepartmentMembership

    DepartmentMembership.objects.get_or_create(user=agent, department=support)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(joao, support)
        services.claim_ticket(ticket=ticket, actor=agent)
        services.reply_to_ticket(ticket=ticket, actor=agent, body_html="<p>Which version?</p>")
    reply = OutboundEmail.objects.filter(
        in_reply_to=ticket.email_thread_id, template="tickets/reply_posted"
    ).get()
    return ticket, reply


def test_a_gmail_message_opens_a_ticket_for_a_new_guest(support):
    record = receive(eml("gmail_new_ticket.eml"))
    assert record.outcome == InboundEmail.Outcome.OPENED
    ticket = record.ticket
    assert ticket.title == "Relatório não imprime — urgente"
    assert ticket.department == support
    assert ticket.channel == Ticket.Channel.EMAIL
    guest = ticket.requester
    assert guest.email == "maria.silva@gmail.example"
    assert guest.full_name == "Maria José Silva"
    assert not guest.has_usable_password()
    entry = ticket.entries.get()
    assert "<b>faturas</b>" in entry.body_html
    assert entry.message_id == "<CAJ8x7Q1fGmail-new-0001@mail.gmail.com>"
    assert ticket.email_thread_id == entry.message_id
    attachment = entry.attachments.get()
    assert attachment.name == "erro_na_tela.png"
    assert attachment.content_type == "image/png"


def test_the_receipt_goes_back_threaded_under_the_customers_mail(
    support, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(eml("gmail_new_ticket.eml"))
    (receipt,) = mail.outbox
    assert receipt.to == ["maria.silva@gmail.example"]
    assert receipt.extra_headers["In-Reply-To"] == "<CAJ8x7Q1fGmail-new-0001@mail.gmail.com>"
    assert f"[#{record.ticket.number}]" in receipt.subject


def test_the_same_message_twice_is_stored_once(support):
    first = receive(eml("gmail_new_ticket.eml"))
    second = receive(eml("gmail_new_ticket.eml"))
    assert first.id == second.id
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_the_department_follows_the_address_it_was_sent_to(support, billing):
    record = receive(eml("gmail_inline_image.eml"))
    assert record.ticket.department == billing


def test_an_inline_image_is_kept_as_an_attachment_and_shown_from_it(support, billing):
    record = receive(eml("gmail_inline_image.eml"))
    entry = record.ticket.entries.get()
    image = entry.attachments.get()
    assert image.name == "image.png"
    url = f"/tickets/{record.ticket.number}/files/{image.id}/"
    assert entry.body_html == f'<div>Veja a tela:<br><img src="{url}" alt="image.png"><br></div>'


def test_an_outlook_reply_joins_the_thread_without_its_history(answered, joao):
    ticket, reply = answered
    record = receive(
        eml("outlook_reply.eml", number=ticket.number, message_id=reply.message_id,
            thread=ticket.email_thread_id)
    )  # fmt: skip
    assert record.outcome == InboundEmail.Outcome.REPLIED
    assert record.ticket == ticket
    entry = ticket.entries.filter(kind="reply").last()
    assert entry.author == joao
    assert "Segue a informação pedida: versão 2.4 no Windows." in entry.body_text
    assert "Which version do you use" not in entry.body_text
    assert "Enviado" not in entry.body_text
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.customer_spoke_last


def test_a_thunderbird_reply_found_by_its_references_reopens_a_resolved_ticket(answered, agent):
    ticket, reply = answered
    services.resolve_ticket(ticket=ticket, actor=agent)
    record = receive(
        eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    )
    assert record.ticket == ticket
    entry = ticket.entries.filter(kind="reply").last()
    assert entry.body_text == "Obrigado, funcionou depois da atualização."
    ticket.refresh_from_db()
    assert ticket.status == "reopened"


def test_a_reply_from_an_address_not_on_the_ticket_is_held_as_a_note(answered):
    ticket, reply = answered
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    raw = raw.replace(b"joao@empresa.example", b"stranger@elsewhere.example")
    record = receive(raw)
    assert record.outcome == InboundEmail.Outcome.HELD
    note = ticket.entries.filter(kind="note").last()
    assert not note.is_public
    assert "stranger@elsewhere.example" in note.body_html
    assert not ticket.entries.filter(kind="reply", body_text__contains="funcionou").exists()


def test_a_reply_to_a_closed_ticket_opens_a_new_one(answered, joao):
    ticket, reply = answered
    services.close_ticket(ticket=ticket, actor=joao)
    record = receive(
        eml("outlook_reply.eml", number=ticket.number, message_id=reply.message_id,
            thread=ticket.email_thread_id)
    )  # fmt: skip
    assert record.outcome == InboundEmail.Outcome.OPENED
    assert record.ticket != ticket
    assert f"Follows the closed ticket #{ticket.number}" in record.ticket.entries.get().body_text


@pytest.mark.parametrize("name", ["auto_reply.eml", "bounce.eml", "mailing_list.eml"])
def test_automatic_mail_never_opens_tickets_or_causes_replies(answered, name):
    ticket, _reply = answered
    mail.outbox.clear()
    before = ticket.entries.count()
    record = receive(eml(name, number=ticket.number))
    assert record.outcome == InboundEmail.Outcome.IGNORED
    assert Ticket.objects.count() == 1
    assert ticket.entries.count() == before
    assert mail.outbox == []


AUTHENTICATED = (
    "Authentication-Results: mx.helpdesk.example; spf=pass smtp.mailfrom=helpdesk.example;\n"
    " dkim=pass (2048-bit key) header.d=helpdesk.example header.s=s1;\n"
    " dmarc=pass (p=REJECT) header.from=helpdesk.example\n"
)


def from_agent(raw: bytes, agent, *, headers: str = AUTHENTICATED) -> bytes:
    return headers.encode() + raw.replace(b"joao@empresa.example", agent.email.encode())


def test_an_agent_answering_by_mail_answers_as_an_agent(answered, agent):
    ticket, reply = answered
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    record = receive(from_agent(raw, agent))
    assert record.outcome == InboundEmail.Outcome.REPLIED
    ticket.refresh_from_db()
    assert ticket.entries.filter(kind="reply", author=agent).count() == 2
    assert ticket.status == "waiting_customer"


def test_an_agents_mail_to_a_resolved_ticket_answers_it_without_reopening(answered, agent):
    ticket, reply = answered
    services.resolve_ticket(ticket=ticket, actor=agent)
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    record = receive(from_agent(raw, agent))
    assert record.outcome == InboundEmail.Outcome.REPLIED
    assert record.ticket == ticket
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    entry = ticket.entries.filter(kind="reply").last()
    assert entry.author == agent
    assert entry.is_public
    assert "funcionou" in entry.body_text


def test_an_agents_mail_to_a_closed_ticket_becomes_their_note_on_it(answered, agent, joao):
    ticket, reply = answered
    services.close_ticket(ticket=ticket, actor=joao)
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    record = receive(from_agent(raw, agent))
    assert record.ticket == ticket
    assert "closed" in record.detail
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    note = ticket.entries.filter(kind="note").last()
    assert note.author == agent
    assert not note.is_public
    assert "funcionou" in note.body_text
    assert note.message_id == "<5f0c2a1e-7b1d-4c1e-9c1a-thunderbird@empresa.example>"


def test_a_mail_forging_an_agents_address_is_held_as_an_unverified_note(answered, agent):
    ticket, reply = answered
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    record = receive(from_agent(raw, agent, headers=""))
    assert record.outcome == InboundEmail.Outcome.HELD
    assert "unverified sender" in record.detail
    note = ticket.entries.filter(kind="note").last()
    assert not note.is_public
    assert note.author is None
    assert "unverified sender" in note.body_html
    assert ticket.entries.filter(kind="reply", author=agent).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"


TRUSTED = "mx.helpdesk.example"


@pytest.mark.parametrize(
    ("header", "trusted", "verified"),
    [
        # Unset, no header counts, whatever it says (fail closed).
        ("mx.helpdesk.example; dkim=pass header.d=helpdesk.example", "", False),
        ("mx.attacker.example; dkim=pass header.d=helpdesk.example", "", False),
        ("mx.helpdesk.example; dkim=pass header.d=helpdesk.example", TRUSTED, True),
        ("MX.helpdesk.example 1; dkim=pass header.i=@helpdesk.example", TRUSTED, True),
        ("mx.helpdesk.example; dmarc=pass (p=none) header.from=helpdesk.example", TRUSTED, True),
        ("mx.helpdesk.example; dkim=pass header.d=mail.helpdesk.example", TRUSTED, False),
        ("mx.helpdesk.example; dkim=pass header.d=evil.example", TRUSTED, False),
        ("mx.helpdesk.example; dkim=fail header.d=helpdesk.example", TRUSTED, False),
        ("mx.helpdesk.example; spf=pass smtp.mailfrom=helpdesk.example", TRUSTED, False),
        ("evil.example; dkim=pass header.d=helpdesk.example", TRUSTED, False),
        ("mx.helpdesk.example; none", TRUSTED, False),
        # Only the topmost header is our server's: one further down came with the mail.
        ("mx.helpdesk.example; none\nAuthentication-Results: mx.helpdesk.example; dkim=pass"
         " header.d=helpdesk.example", TRUSTED, False),
        ("evil.example; none\nAuthentication-Results: mx.helpdesk.example; dkim=pass"
         " header.d=helpdesk.example", TRUSTED, False),
    ],
)  # fmt: skip
def test_only_our_servers_dkim_or_dmarc_pass_for_the_from_domain_vouches_for_a_sender(
    settings, header, trusted, verified
):
    from email import message_from_string, policy

    from mail.parsing import sender_is_authenticated

    settings.INBOUND_TRUSTED_AUTHSERV_ID = trusted
    message = message_from_string(
        f"Authentication-Results: {header}\nFrom: a@helpdesk.example\n\nHi", policy=policy.default
    )
    assert sender_is_authenticated(message, "a@helpdesk.example") is verified


def test_past_the_hourly_cap_a_senders_mail_is_stored_as_ignored(
    answered, settings, django_capture_on_commit_callbacks
):
    ticket, reply = answered
    settings.INBOUND_MAILS_PER_SENDER_PER_HOUR = 2
    mail.outbox.clear()
    outcomes = []
    for n in range(3):
        raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
        raw = raw.replace(b"thunderbird@empresa.example", f"tb-{n}@empresa.example".encode())
        with django_capture_on_commit_callbacks(execute=True):
            outcomes.append(receive(raw))
    assert [r.outcome for r in outcomes] == ["replied", "replied", "ignored"]
    assert "in an hour" in outcomes[2].detail
    assert outcomes[2].ticket is None
    assert ticket.entries.filter(kind="reply", author__email="joao@empresa.example").count() == 2
    # Nor is any of them acknowledged: a robot at the other end would answer again.
    assert [m for m in mail.outbox if "joao@empresa.example" in m.to] == []


def test_a_message_that_cannot_be_processed_is_kept_with_its_error(support, monkeypatch):
    from inbound import handler as inbound

    monkeypatch.setattr(inbound, "_department_for", lambda message: None)
    raw = eml("gmail_new_ticket.eml")
    received = inbox.receive(raw)
    assert received.status == ReceivedMessage.Status.PENDING
    assert bytes(received.raw) == raw
    assert received.last_error
    assert not InboundEmail.objects.exists()  # nothing half done
    assert not Ticket.objects.exists()


def test_the_same_message_delivered_again_after_a_failure_opens_its_ticket(support, monkeypatch):
    from inbound import handler as inbound

    raw = eml("gmail_new_ticket.eml")
    with monkeypatch.context() as broken:
        broken.setattr(inbound, "_department_for", lambda message: None)
        assert inbox.receive(raw).status == ReceivedMessage.Status.PENDING
    received = inbox.receive(raw)  # the mail server delivers it again
    assert received.status == ReceivedMessage.Status.PROCESSED
    assert received.attempts == 2
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.OPENED
    assert Ticket.objects.get().title == "Relatório não imprime — urgente"


def test_a_record_left_failed_by_the_old_code_is_taken_up(support):
    raw = eml("gmail_new_ticket.eml")
    InboundEmail.objects.create(
        message_id="<CAJ8x7Q1fGmail-new-0001@mail.gmail.com>", outcome="failed", detail="x"
    )
    record = receive(raw)
    assert record.outcome == InboundEmail.Outcome.OPENED
    assert InboundEmail.objects.get().ticket == Ticket.objects.get()


def test_a_long_subject_is_cut_to_the_title_and_kept_whole_in_the_thread(support):
    subject = "Nota fiscal " + "muito longa " * 30
    original = b"Subject: =?UTF-8?B?UmVsYXTDs3JpbyBuw6NvIGltcHJpbWUg4oCUIHVyZ2VudGU=?="
    raw = eml("gmail_new_ticket.eml").replace(original, f"Subject: {subject}".encode())
    assert inbox.receive(raw).status == ReceivedMessage.Status.PROCESSED
    ticket = Ticket.objects.get()
    assert len(ticket.title) == 200
    assert ticket.title.endswith("…")
    first = ticket.entries.order_by("id").first()
    assert " ".join(subject.split()) in first.body_html


def test_receive_mail_reads_standard_input(support, monkeypatch):
    raw = eml("gmail_new_ticket.eml")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("receive_mail", stdout=out)
    assert out.getvalue().startswith("processed <CAJ8x7Q1fGmail-new-0001@mail.gmail.com>")
    assert User.objects.filter(email="maria.silva@gmail.example").exists()
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.OPENED


def test_a_new_mail_forging_an_agents_address_opens_nothing(support, agent):
    raw = eml("gmail_new_ticket.eml").replace(b"maria.silva@gmail.example", agent.email.encode())
    record = receive(raw)
    assert record.outcome == InboundEmail.Outcome.HELD
    assert "Unverified sender" in record.detail
    assert record.ticket is None
    assert not Ticket.objects.exists()
    signed = receive(
        AUTHENTICATED.encode()
        + eml("gmail_new_ticket.eml")
        .replace(b"maria.silva@gmail.example", agent.email.encode())
        .replace(b"Message-ID: <", b"Message-ID: <signed-")
    )
    assert signed.outcome == InboundEmail.Outcome.OPENED


def test_a_teammates_mail_to_a_ticket_another_agent_claimed_becomes_their_note(answered, support):
    from accounts.tests.factories import AgentFactory

    ticket, reply = answered
    teammate = AgentFactory(email="teammate@helpdesk.example", departments=[support])
    raw = eml("thunderbird_reply.eml", number=ticket.number, message_id=reply.message_id)
    record = receive(from_agent(raw, teammate))
    assert record.ticket == ticket
    assert "claimed the ticket" in record.detail
    assert ticket.entries.filter(kind="reply", author=teammate).count() == 0
    note = ticket.entries.filter(kind="note").last()
    assert note.author == teammate
    assert "funcionou" in note.body_text


def test_a_replys_inline_image_is_shown_in_the_thread_and_sent_inside_the_agents_mail(
    answered, joao, agent, django_capture_on_commit_callbacks
):
    ticket, reply = answered
    ticket.followers.create(user=agent)
    raw = (MAIL / "related_image_in_text.eml").read_text()
    raw = raw.replace("{{from}}", joao.email).replace("{{from_name}}", "João")
    raw = raw.replace("Subject: Erro", f"In-Reply-To: {reply.message_id}\nSubject: Re: Erro")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(raw.encode())
    assert record.outcome == InboundEmail.Outcome.REPLIED
    entry = ticket.entries.filter(kind="reply", author=joao).get()
    image = entry.attachments.get()
    assert f'<img src="/tickets/{ticket.number}/files/{image.id}/" alt="tela.png">' in (
        entry.body_html
    )
    (told,) = [sent for sent in mail.outbox if sent.to == [agent.email]]
    html = told.alternatives[0][0]
    # The page's address asks the reader to sign in: the mail carries the image itself.
    assert (
        f'aparece esta tela:<br><img src="cid:image1@{settings.MAIL_DOMAIN}" alt="tela.png">'
        in (html)
    )
    assert f"/files/{image.id}/" not in html
    (part,) = [part for part in told.message().walk() if part["Content-ID"]]
    assert (part["Content-ID"], part.get_content_type()) == (
        f"<image1@{settings.MAIL_DOMAIN}>",
        image.content_type,
    )


def test_a_reply_to_a_merged_ticket_lands_in_the_one_it_was_merged_into(answered, joao, agent):
    ticket, reply = answered
    survivor = open_for(joao, ticket.department)
    merge_tickets(actor=agent, sources=[ticket], target=survivor)
    record = receive(
        eml("outlook_reply.eml", number=ticket.number, message_id=reply.message_id,
            thread=ticket.email_thread_id)
    )  # fmt: skip
    assert record.outcome == InboundEmail.Outcome.REPLIED
    assert record.ticket == survivor
    entry = survivor.entries.filter(kind="reply", author=joao).get()
    assert "versão 2.4 no Windows" in entry.body_text
    assert not ticket.entries.filter(kind="reply", author=joao).exists()
