"""What an agent does with received mail: accept a reply held as unverified."""

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from core.sanitize import clean_html
from tickets import permissions, services
from tickets.models import TicketEntry
from tickets.services import NotAllowed
from tickets.services.common import event


@transaction.atomic
def accept_held_reply(*, entry: TicketEntry, actor: User) -> TicketEntry:
    """An agent who works on the ticket vouches for a reply held because its sender was not
    verified: it becomes that customer's public reply (with the note's files), the note says
    who accepted it, and the acceptance is recorded. NotAllowed when the note holds no reply
    waiting (accepted already, or never held), or its sender no longer speaks for the ticket;
    TransitionNotAllowed when the ticket is closed."""
    # locked: two agents may accept the same reply at once
    note = TicketEntry.objects.select_for_update().select_related("ticket").get(id=entry.id)
    held = (note.data or {}).get("held_reply")
    if not held or held.get("accepted_by") or not permissions.works_on(actor, note.ticket):
        raise NotAllowed
    author = User.objects.filter(id=held.get("user"), is_active=True).first()
    if author is None or not permissions.acts_for_requester(author, note.ticket):
        raise NotAllowed
    reply = services.reply_to_ticket(
        ticket=note.ticket, actor=author, body_html=held["body_html"], message_id=note.message_id
    )
    note.attachments.update(entry=reply)
    images = {
        cid: reverse("tickets:attachment", args=[note.ticket.number, attachment_id])
        for cid, attachment_id in held.get("images", {}).items()
    }
    if images:  # shown where the mail showed them, from the files the reply just took over
        reply.body_html = clean_html(held["body_html"], image_source=images.get)
        reply.save(update_fields=["body_html"])
    note.data = {"held_reply": {**held, "accepted_by": actor.full_name, "reply": reply.id}}
    note.save(update_fields=["data"])
    event(note.ticket, TicketEntry.Kind.EDIT, actor, data={"held_reply_accepted": held["from"]})
    return reply
