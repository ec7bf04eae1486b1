"""A mail's inline images (multipart/related, cid: URLs) shown where its text placed them."""

from pathlib import Path

import pytest

from accounts.tests.factories import CustomerFactory
from inbound.handler import receive
from inbound.services import accept_held_reply
from tickets import services
from tickets.models import InboundEmail, TicketEntry

pytestmark = pytest.mark.django_db

# Written for these tests: an HTML mail whose image part the text shows between paragraphs,
# with a remote image, a data: URI and a cid: whose part never came.
MAIL = Path(__file__).parent / "mail" / "related_image_in_text.eml"


def related_mail(sender="joao@empresa.example", name="João Pereira") -> bytes:
    text = MAIL.read_text().replace("{{from}}", sender).replace("{{from_name}}", name)
    return text.encode()


def test_the_image_is_shown_where_it_stood_from_its_stored_file(joao):
    record = receive(related_mail())
    assert record.outcome == InboundEmail.Outcome.OPENED
    entry = record.ticket.entries.get(kind=TicketEntry.Kind.MESSAGE)
    image = entry.attachments.get()
    assert (image.name, image.content_type) == ("image.png", "image/png")
    url = f"/tickets/{record.ticket.number}/files/{image.id}/"
    assert entry.body_html == (
        "<p>Bom dia,</p>\n"
        f'<p>Ao emitir o boleto aparece esta tela:<br><img src="{url}" alt="tela.png"></p>\n'
        "<p>Logotipo remoto:  e embutido: </p>\n"
        "<p>Imagem que não veio: </p>\n"
        "<p>Depois disso o sistema fecha.</p>"
    )


def test_the_attachment_view_serves_the_image_to_the_requester_only(client, joao):
    record = receive(related_mail())
    image = record.ticket.entries.get(kind=TicketEntry.Kind.MESSAGE).attachments.get()
    url = f"/tickets/{record.ticket.number}/files/{image.id}/"
    client.force_login(joao)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(CustomerFactory(email="estranho@outra.example"))
    assert client.get(url).status_code == 404


def test_an_image_of_a_held_mail_is_shown_in_the_note(answered_by_agent, joao):
    # Someone not on the ticket answers it: the note keeps their image in place.
    ticket = answered_by_agent
    mail = related_mail("outra@empresa.example", "Outra Pessoa").replace(
        b"Subject: Erro ao emitir boleto", f"Subject: Re: [#{ticket.number}] Erro".encode()
    )
    record = receive(mail)
    assert record.outcome == InboundEmail.Outcome.HELD
    note = ticket.entries.filter(kind=TicketEntry.Kind.NOTE).latest("id")
    image = note.attachments.get()
    assert f'<img src="/tickets/{ticket.number}/files/{image.id}/" alt="tela.png">' in (
        note.body_html
    )
    assert "pixel" not in note.body_html
    assert "sumiu" not in note.body_html


@pytest.fixture
def answered_by_agent(joao, support, agent):
    from accounts.models import DepartmentMembership
    from tickets.tests.fixtures import open_for

    DepartmentMembership.objects.get_or_create(user=agent, department=support)
    ticket = open_for(joao, support)
    services.claim_ticket(ticket=ticket, actor=agent)
    return ticket


def test_an_accepted_held_reply_keeps_its_image_in_place(answered_by_agent, joao, agent):
    # The customer's own address, unverified: held until an agent vouches for it.
    ticket = answered_by_agent
    mail = related_mail().replace(
        b"Subject: Erro ao emitir boleto", f"Subject: Re: [#{ticket.number}] Erro".encode()
    )
    assert receive(mail).outcome == InboundEmail.Outcome.HELD
    note = ticket.entries.filter(kind=TicketEntry.Kind.NOTE).latest("id")
    reply = accept_held_reply(entry=note, actor=agent)
    image = reply.attachments.get()
    assert f'<img src="/tickets/{ticket.number}/files/{image.id}/" alt="tela.png">' in (
        reply.body_html
    )
    assert reply.body_text.startswith("Bom dia,")
