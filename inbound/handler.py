"""Mail in (SPEC §6, S4): a new message opens a ticket, a reply joins its thread.

`receive()` is the INBOUND_MAIL_HANDLER: it takes one RFC 822 message, from the IMAP mailbox
(`mail.mailbox`) or from a mail server's pipe (`manage.py receive_mail`), once `mail.inbox`
has stored it as it came, and records what it did with it once. `mail.parsing` reads the
message; this module decides what it does.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Subquery
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import Department, User, normalize_email
from accounts.services import requester_for_guest
from core import ratelimit
from core.sanitize import text_to_html
from mail import parsing, trust
from mail.models import OutboundEmail
from tickets import permissions, services
from tickets.files import check_uploads
from tickets.models import InboundEmail, Ticket, TicketEntry
from tickets.services.agent import add_system_note
from tickets.services.attachments import inline_files
from tickets.workflow import Action, Status, TransitionNotAllowed

NUMBER_IN_SUBJECT = re.compile(r"\[#(\d{6,8})\]")
TITLE_LENGTH = Ticket._meta.get_field("title").max_length


def receive(raw: bytes) -> InboundEmail:
    """Act on one message, which `mail.inbox` has stored already; a message acted on before
    is returned as it was. Raises when it cannot be acted on now: nothing is written, and the
    stored message is tried again (a record left failed by an older version is taken up)."""
    message = parsing.parse(raw)
    message_id = parsing.message_id_of(message, raw)
    seen = InboundEmail.objects.filter(message_id=message_id).first()
    if seen is not None and seen.outcome != InboundEmail.Outcome.FAILED:
        return seen
    written = parsing.sender_of(message)
    valid = trust.valid_sender(*written)
    name, sender = valid or written
    record = seen or InboundEmail(message_id=message_id)
    record.sender = normalize_email(sender)[:254]
    record.subject = parsing.subject_of(message)[:300]
    record.detail, record.ticket = "", None
    try:
        with transaction.atomic():
            if valid is None:  # refused: nobody is created or answered on such an address
                record.outcome = InboundEmail.Outcome.IGNORED
                record.detail = _("Refused: the sender's address is not a valid address.")
            else:
                _act(message, record, name)
            record.save()
    except IntegrityError:
        stored = InboundEmail.objects.filter(message_id=message_id).first()
        if stored is not None:
            return stored  # stored meanwhile by another reader of the same mailbox
        raise
    return record


def _act(message, record: InboundEmail, name: str) -> None:
    if parsing.is_automatic(message, record.sender):
        record.outcome = InboundEmail.Outcome.IGNORED
        record.detail = _("An auto-reply, a bounce or list mail.")
        return
    limit = settings.INBOUND_MAILS_PER_SENDER_PER_HOUR
    if ratelimit.hit("inbound-mail", record.sender, window=3600) > limit:
        # A robot answering our mail faster than people write: stop the loop here.
        record.outcome = InboundEmail.Outcome.IGNORED
        record.detail = _("More than %(limit)d messages from this address in an hour.") % {
            "limit": limit
        }
        return
    ticket = _ticket_of(message, record.subject, record.sender)
    if ticket is None and _forges_staff(message, record.sender):
        # Nobody may open tickets in an agent's name with a From line alone.
        record.outcome = InboundEmail.Outcome.HELD
        record.detail = _("Unverified sender: a staff address without a DKIM or DMARC pass.")
        return
    if ticket is None:
        record.ticket = _open(message, record, name)
        record.outcome = InboundEmail.Outcome.OPENED
        return
    survivor = _survivor(ticket)
    record.ticket = survivor
    record.outcome = _reply(survivor, message, record, name, origin=ticket)


def _forges_staff(message, sender: str) -> bool:
    staff = User.objects.filter(email=sender, role__in=User.STAFF_ROLES).exists()
    return staff and not parsing.sender_is_authenticated(message, sender)


def _ticket_of(message, subject: str, sender: str) -> Ticket | None:
    live = Ticket.objects.filter(trashed_at__isnull=True).select_related("requester")
    signed = trust.signed_numbers(parsing.recipients(message), sender)
    if signed and (found := live.filter(number__in=signed).first()):
        return found
    number = NUMBER_IN_SUBJECT.search(subject)
    if number:
        found = live.filter(number=int(number.group(1))).first()
        if found:
            return found
    ids = parsing.referenced_ids(message)
    if not ids:
        return None
    # Our mails about a ticket name its thread (its first Message-ID) as the one they answer.
    sent = OutboundEmail.objects.filter(message_id__in=ids).exclude(in_reply_to="")
    received = TicketEntry.objects.filter(message_id__in=ids).values("ticket_id")
    return live.filter(
        Q(email_thread_id__in=Subquery(sent.values("in_reply_to")))
        | Q(id__in=received)
        | Q(email_thread_id__in=ids)
    ).first()


def _survivor(ticket: Ticket) -> Ticket:
    """The ticket a merged one lives on in (workspace.merge), through merges of merges; the
    ticket itself when it was not merged, or what it went into is in the trash."""
    for _hop in range(10):  # a chain of merges is short; a loop in the data is no reason to hang
        if ticket.merged_into_id is None:
            return ticket
        into = Ticket.objects.filter(id=ticket.merged_into_id, trashed_at__isnull=True)
        found = into.select_related("requester").first()
        if found is None:
            return ticket
        ticket = found
    return ticket


def _open(message, record: InboundEmail, name: str, *, note: str = "") -> Ticket:
    requester = requester_for_guest(
        full_name=name or record.sender.split("@")[0],
        email=record.sender,
        language="",  # not chosen: mail to them follows the site's language
    )
    body_html, files, dropped = _content(message, reply=False)
    title, subject = record.subject or _("(no subject)"), parsing.subject_of(message)
    if len(subject) > TITLE_LENGTH:  # cut to the title; the thread keeps it whole
        title = subject[: TITLE_LENGTH - 1].rstrip() + "…"
        whole = _("Subject: %(subject)s") % {"subject": subject}
        body_html = text_to_html(whole) + body_html
    ticket = services.open_ticket(
        actor=requester,
        requester=requester,
        department=_department_for(message),
        title=title,
        body_html=body_html + note or "<p>—</p>",
        files=files,
        channel=Ticket.Channel.EMAIL,
        email_thread_id=record.message_id,
        message_id=record.message_id,
    )
    _note_dropped(ticket, dropped)
    return ticket


def _reply(ticket: Ticket, message, record: InboundEmail, name: str, *, origin: Ticket) -> str:
    sender = User.objects.filter(email=record.sender, is_active=True).first()
    body_html, files, dropped = _content(message, reply=True)
    if sender is None or not (
        permissions.acts_for_requester(sender, ticket) or permissions.works_on(sender, ticket)
    ):
        # Not silently into the thread: the agents see it as a note and decide.
        held = _("A mail from %(sender)s, who is not on this ticket, was held here:") % {
            "sender": record.sender
        }
        return _hold(ticket, record, held, body_html, files)
    if sender.is_agent and not parsing.sender_is_authenticated(message, record.sender):
        # Anyone can write an agent's address in From: without the receiving server's word
        # that the mail is really from that domain, it does not speak for the agent.
        held = _(
            "A mail claiming to come from %(sender)s (unverified sender: its domain's "
            "signature was not confirmed) was held here:"
        ) % {"sender": record.sender}
        return _hold(ticket, record, held, body_html, files, unverified=True)
    # A reply to a merged ticket's mail proves itself with that ticket's number and thread.
    if not sender.is_agent and not _verified(message, ticket, record.sender, origin=origin):
        # A From line is not proof: held until an agent accepts it as the customer's reply.
        held = _("Unverified reply from %(sender)s, held until an agent accepts it:") % {
            "sender": record.sender
        }
        reply = {"user": sender.id, "from": record.sender, "body_html": body_html or "<p>—</p>"}
        return _hold(ticket, record, held, body_html, files, unverified=True, held_reply=reply)
    if sender.is_agent:
        outcome = _staff_reply(ticket, sender, record, body_html or "<p>—</p>", files)
        _note_dropped(ticket, dropped)
        return outcome
    try:
        services.reply_to_ticket(
            ticket=ticket, actor=sender, body_html=body_html or "<p>—</p>", files=files,
            message_id=record.message_id,
        )  # fmt: skip
    except TransitionNotAllowed:  # a closed ticket takes no reply: this starts a new one
        note = _("<p>(Follows the closed ticket %(number)s.)</p>") % {"number": ticket.reference}
        record.ticket = _open(message, record, name, note=note)
        return InboundEmail.Outcome.OPENED
    _note_dropped(ticket, dropped)
    return InboundEmail.Outcome.REPLIED


def _verified(message, ticket: Ticket, sender: str, *, origin: Ticket) -> bool:
    """A reply proves itself by our MAC reply address for this ticket (or the merged one it
    answered, `origin`) and sender, by naming a Message-ID we sent about it (128 random
    bits), or by DKIM/DMARC our server checked for the sender's domain."""
    signed = trust.signed_numbers(parsing.recipients(message), sender)
    if ticket.number in signed or origin.number in signed:
        return True
    ids = parsing.referenced_ids(message)
    threads = [t.email_thread_id for t in (ticket, origin) if t.email_thread_id]
    ours = OutboundEmail.objects.filter(message_id__in=ids, in_reply_to__in=threads)
    if ids and threads and ours.exists():
        return True
    return parsing.sender_is_authenticated(message, sender)


def _staff_reply(ticket: Ticket, sender: User, record: InboundEmail, body_html, files) -> str:
    """An agent's mail stays on its ticket: a resolved one is answered without reopening it;
    on a closed one, or one another agent claimed, it becomes an internal note."""
    then = Action.REPLY_AND_KEEP if ticket.status == Status.RESOLVED else Action.REPLY_AND_WAIT
    try:
        services.reply_to_ticket(
            ticket=ticket, actor=sender, body_html=body_html, files=files, then=then,
            message_id=record.message_id,
        )  # fmt: skip
        return InboundEmail.Outcome.REPLIED
    except TransitionNotAllowed:
        why = _("Kept as an internal note: the ticket is closed.")
    except services.AlreadyClaimed as taken:  # another agent's ticket: a note, not an answer
        why = _("Kept as an internal note: %(agent)s claimed the ticket.") % {
            "agent": taken.agent.full_name
        }
    if permissions.works_on(sender, ticket):
        services.add_note(
            ticket=ticket, actor=sender, body_html=body_html, files=files,
            message_id=record.message_id,
        )  # fmt: skip
    else:  # the agent who opened an internal ticket of another department
        heading = _("%(sender)s wrote by e-mail after the ticket was closed:") % {
            "sender": record.sender
        }
        add_system_note(
            ticket=ticket, body_html=_held(heading, body_html), files=files,
            message_id=record.message_id,
        )  # fmt: skip
    record.detail = why
    return InboundEmail.Outcome.REPLIED


def _hold(ticket, record, heading, body_html, files, *, unverified=False, held_reply=None):
    note = add_system_note(
        ticket=ticket, body_html=_held(heading, body_html), files=files,
        message_id=record.message_id,
    )  # fmt: skip
    if held_reply:  # what accept_held_reply() turns into the customer's reply
        # Its inline images, by cid:, are the note's files, which the reply takes over.
        stored = inline_files(files, list(note.attachments.order_by("id")))
        images = {cid: kept.id for cid, kept in stored.items()}
        note.data = {"held_reply": {**held_reply, "images": images}}
        note.save(update_fields=["data"])
    record.detail = (
        _("Kept as an internal note: unverified sender.")
        if unverified
        else _("Kept as an internal note.")
    )
    return InboundEmail.Outcome.HELD


def _department_for(message) -> Department:
    addresses = parsing.recipients(message)
    active = Department.objects.filter(is_active=True)
    by_address = active.filter(email__in=addresses).exclude(email="").first()
    if by_address:
        return by_address
    default = settings.INBOUND_DEFAULT_DEPARTMENT
    return (default and active.filter(name=default).first()) or active.order_by("position").first()


def _content(message, *, reply: bool):
    """Cleaned HTML of the message's own words, its acceptable files, and the internal notes
    owed about them (files left out, a mail that could not be read whole)."""
    html, body = parsing.own_words_html(message, reply=reply)
    files, dropped = [], []
    original = parsing.unreadable_original(message, body)
    for upload in parsing.attached_files(message, body) + ([original] if original else []):
        try:
            check_uploads([upload])
            files.append(upload)
        except ValidationError:
            dropped.append(upload.name)
    try:
        check_uploads(files)
    except ValidationError:  # together too big: keep what fits
        kept, total = [], 0
        for upload in files:
            if total + upload.size <= settings.TICKET_ATTACHMENTS_MAX_BYTES:
                kept.append(upload)
                total += upload.size
            else:
                dropped.append(upload.name)
        dropped.extend(upload.name for upload in kept[10:])
        files = kept[:10]
    notes = []
    if dropped:
        notes.append(
            _("Files left out of the mail (type not accepted or too large): %(names)s")
            % {"names": ", ".join(dropped)}
        )
    if original in files:
        notes.append(
            _(
                "Part of this mail could not be read (its structure is damaged): the mail as "
                "received is attached as %(name)s."
            )
            % {"name": original.name}
        )
    return html, files, notes


def _held(heading: str, body_html: str) -> str:
    # The body was cleaned by nh3 when the mail was read; the heading is escaped here.
    return render_to_string(
        "tickets/notes/_held_mail.html", {"heading": heading, "body_html": body_html}
    )


def _note_dropped(ticket: Ticket, notes: list[str]) -> None:
    for text in notes:
        add_system_note(ticket=ticket, body_html=text_to_html(text))
