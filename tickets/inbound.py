"""Mail in (SPEC §6, S4): a new message opens a ticket, a reply joins its thread.

`receive()` takes one RFC 822 message, from the IMAP mailbox (`tickets.mailbox`) or from a
mail server's pipe (`manage.py receive_mail`), and stores it once, whatever becomes of it.
"""

import hashlib
import logging
import re
from email import message_from_bytes, policy
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import User, normalize_email
from helpdesk import ratelimit

from . import permissions, services
from .files import check_uploads, content_type_for
from .models import Department, InboundEmail, OutboundEmail, Ticket, TicketEntry
from .sanitize import clean_html, text_to_html
from .services.agent import add_system_note
from .workflow import Action, Status, TransitionNotAllowed

logger = logging.getLogger(__name__)

NUMBER_IN_SUBJECT = re.compile(r"\[#(\d{6,8})\]")
MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
COMMENTS = re.compile(r"\([^()]*\)")
AUTOMATIC_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)", re.IGNORECASE
)
# Where a reply's own words end and the quoted history begins, in the clients people use.
TEXT_QUOTE_MARKERS = re.compile(
    r"^(On .{5,200} wrote:|Em .{5,200} escreveu:|-{2,}\s*Original Message\s*-{2,}"
    r"|-{2,}\s*Mensagem original\s*-{2,}|From: .+|De: .+|_{10,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
HTML_QUOTE_MARKERS = re.compile(
    r'<div[^>]+class="gmail_quote|<blockquote[^>]+type="cite"|<div[^>]+class="moz-cite-prefix"'
    r'|<div[^>]+id="divRplyFwdMsg"|<div[^>]+id="appendonsend"|<hr[^>]*>\s*<div[^>]*>\s*<b>From:'
    r"|<div[^>]+style=\"border:none;border-top:solid",
    re.IGNORECASE,
)


def receive(raw: bytes) -> InboundEmail:
    """Store and act on one message; a message seen before is returned as it was."""
    message = message_from_bytes(raw, policy=policy.default)
    message_id = _message_id(message, raw)
    seen = InboundEmail.objects.filter(message_id=message_id).first()
    if seen is not None:
        return seen
    name, sender = parseaddr(str(message.get("From", "")))
    record = InboundEmail(
        message_id=message_id,
        sender=normalize_email(sender)[:254],
        subject=" ".join(str(message.get("Subject", "")).split())[:300],
    )
    try:
        with transaction.atomic():
            _act(message, record, name)
            record.save()
    except Exception as error:
        stored = InboundEmail.objects.filter(message_id=message_id).first()
        if isinstance(error, IntegrityError) and stored is not None:
            return stored  # stored meanwhile by another reader of the same mailbox
        logger.exception("inbound mail %s failed", message_id)
        record.outcome = InboundEmail.Outcome.FAILED
        record.detail = f"{type(error).__name__}: {error}"[:2000]
        record.ticket = None
        record.save()
    return record


def _message_id(message, raw: bytes) -> str:
    found = MESSAGE_IDS.search(str(message.get("Message-ID", "")))
    if found:
        return found.group(0)[:250]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@{settings.MAIL_DOMAIN}>"


def _act(message, record: InboundEmail, name: str) -> None:
    if _is_automatic(message, record.sender):
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
    ticket = _ticket_of(message, record.subject)
    if ticket is None and _forges_staff(message, record.sender):
        # Nobody may open tickets in an agent's name with a From line alone.
        record.outcome = InboundEmail.Outcome.HELD
        record.detail = _("Unverified sender: a staff address without a DKIM or DMARC pass.")
        return
    if ticket is None:
        record.ticket = _open(message, record, name)
        record.outcome = InboundEmail.Outcome.OPENED
        return
    record.ticket = ticket
    record.outcome = _reply(ticket, message, record, name)


def _forges_staff(message, sender: str) -> bool:
    staff = User.objects.filter(
        email=sender, role__in=[User.Role.AGENT, User.Role.ADMINISTRATOR]
    ).exists()
    return staff and not sender_is_authenticated(message, sender)


def _is_automatic(message, sender: str) -> bool:
    """Auto-replies, bounces and list mail never open tickets or cause replies (RFC 3834)."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return bool(
        (auto and auto != "no")
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or message.get("List-Id")
        or message.get("List-Unsubscribe")
        or message.get("X-Autoreply")
        or message.get("X-Autorespond")
        or message.get("X-Failed-Recipients")
        or str(message.get("Return-Path", "")).strip() == "<>"
        or message.get_content_type() == "multipart/report"
        or not sender
        or AUTOMATIC_SENDERS.match(sender)
    )


def _ticket_of(message, subject: str) -> Ticket | None:
    live = Ticket.objects.filter(trashed_at__isnull=True).select_related("requester")
    number = NUMBER_IN_SUBJECT.search(subject)
    if number:
        found = live.filter(number=int(number.group(1))).first()
        if found:
            return found
    ids = MESSAGE_IDS.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")
    if not ids:
        return None
    sent = OutboundEmail.objects.filter(message_id__in=ids).values("ticket_id")
    received = TicketEntry.objects.filter(message_id__in=ids).values("ticket_id")
    return live.filter(Q(id__in=sent) | Q(id__in=received) | Q(email_thread_id__in=ids)).first()


def _open(message, record: InboundEmail, name: str, *, note: str = "") -> Ticket:
    from accounts.services import requester_for_guest

    requester = requester_for_guest(
        full_name=name or record.sender.split("@")[0],
        email=record.sender,
        language=settings.LANGUAGE_CODE,
    )
    body_html, files, dropped = _content(message, reply=False)
    ticket = services.open_ticket(
        actor=requester,
        requester=requester,
        department=_department_for(message),
        title=record.subject or _("(no subject)"),
        body_html=body_html + note or "<p>—</p>",
        files=files,
        channel=Ticket.Channel.EMAIL,
        email_thread_id=record.message_id,
        message_id=record.message_id,
    )
    _note_dropped(ticket, dropped)
    return ticket


def _reply(ticket: Ticket, message, record: InboundEmail, name: str) -> str:
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
    if sender.is_agent and not sender_is_authenticated(message, record.sender):
        # Anyone can write an agent's address in From: without the receiving server's word
        # that the mail is really from that domain, it does not speak for the agent.
        held = _(
            "A mail claiming to come from %(sender)s (unverified sender: its domain's "
            "signature was not confirmed) was held here:"
        ) % {"sender": record.sender}
        return _hold(ticket, record, held, body_html, files, unverified=True)
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


def _staff_reply(ticket: Ticket, sender: User, record: InboundEmail, body_html, files) -> str:
    """An agent's mail stays on its ticket: a resolved one is answered without reopening it,
    and on a closed one, which takes no reply, it becomes an internal note."""
    then = Action.REPLY_AND_KEEP if ticket.status == Status.RESOLVED else Action.REPLY_AND_WAIT
    try:
        services.reply_to_ticket(
            ticket=ticket, actor=sender, body_html=body_html, files=files, then=then,
            message_id=record.message_id,
        )  # fmt: skip
        return InboundEmail.Outcome.REPLIED
    except TransitionNotAllowed:
        pass
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
            ticket=ticket, body_html=f"<p><strong>{escape(heading)}</strong></p>{body_html}",
            files=files, message_id=record.message_id,
        )  # fmt: skip
    record.detail = _("Kept as an internal note: the ticket is closed.")
    return InboundEmail.Outcome.REPLIED


def _hold(ticket, record, heading, body_html, files, *, unverified=False) -> str:
    add_system_note(
        ticket=ticket,
        body_html=f"<p><strong>{escape(heading)}</strong></p>{body_html}",
        files=files,
        message_id=record.message_id,
    )
    record.detail = (
        _("Kept as an internal note: unverified sender.")
        if unverified
        else _("Kept as an internal note.")
    )
    return InboundEmail.Outcome.HELD


def sender_is_authenticated(message, sender: str) -> bool:
    """Whether a receiving server vouched for the From domain: dkim=pass or dmarc=pass.

    Only Authentication-Results headers (RFC 8601) from INBOUND_TRUSTED_AUTHSERV_ID count when
    it is set; unset, any such header does (the mail server must then drop the ones it
    receives from outside, as RFC 8601 section 5 asks).
    """
    domain = sender.rpartition("@")[2].lower()
    trusted = settings.INBOUND_TRUSTED_AUTHSERV_ID.lower()
    for header in message.get_all("Authentication-Results", []):
        value = str(header)
        while COMMENTS.search(value):  # comments nest
            value = COMMENTS.sub("", value)
        authserv_id, _sep, results = value.partition(";")
        if trusted and authserv_id.split()[:1] != [trusted]:
            continue
        for result in results.split(";"):
            if _vouches_for(result.split(), domain):
                return True
    return False


def _vouches_for(words: list[str], domain: str) -> bool:
    if not words or "=" not in words[0]:
        return False
    method, _sep, outcome = words[0].lower().partition("=")
    properties = dict(word.lower().partition("=")[::2] for word in words[1:] if "=" in word)
    if method == "dkim" and outcome == "pass":
        signer = properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2]
        return _aligned(domain, signer)
    if method == "dmarc" and outcome == "pass":
        return _aligned(domain, properties.get("header.from", ""))
    return False


def _aligned(domain: str, other: str) -> bool:
    # Relaxed alignment: the signer may be the From domain or a parent of it.
    other = other.strip().lower().rstrip(".")
    return bool(other) and (domain == other or domain.endswith(f".{other}"))


def _department_for(message) -> Department:
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    addresses = {
        normalize_email(address)
        for _, address in getaddresses([str(v) for h in headers for v in message.get_all(h, [])])
    }
    active = Department.objects.filter(is_active=True)
    by_address = active.filter(email__in=addresses).exclude(email="").first()
    if by_address:
        return by_address
    default = settings.INBOUND_DEFAULT_DEPARTMENT
    return (default and active.filter(name=default).first()) or active.order_by("position").first()


def _content(message, *, reply: bool):
    """Cleaned HTML of the message's own words, its acceptable files, and the names dropped."""
    body = message.get_body(preferencelist=("plain", "html") if reply else ("html", "plain"))
    html = ""
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            html = clean_html(_cut_html_quote(text) if reply else text)
        else:
            html = text_to_html(_cut_text_quote(text) if reply else text)
    files, dropped = [], []
    for part in message.walk():
        if part.is_multipart() or part is body or _is_alternative_body(part):
            continue
        upload = _as_upload(part)
        if upload is None:
            continue
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
    return html, files, dropped


def _is_alternative_body(part) -> bool:
    # The other rendering of the body (text next to HTML) is not an attachment.
    return (
        part.get_content_maintype() == "text"
        and part.get_filename() is None
        and part.get_content_disposition() != "attachment"
    )


def _as_upload(part):
    name = part.get_filename()
    content_type = part.get_content_type()
    if not name:
        if part.get_content_maintype() != "image":
            return None
        extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}.get(
            content_type, ".bin"
        )
        name = f"image{extension}"
    payload = part.get_payload(decode=True) or b""
    return SimpleUploadedFile(name, payload, content_type=content_type_for(name) or content_type)


def _cut_text_quote(text: str) -> str:
    marker = TEXT_QUOTE_MARKERS.search(text)
    own = text[: marker.start()] if marker else text
    lines = own.rstrip().splitlines()
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(line for line in lines if not line.startswith(">")).strip() or text.strip()


def _cut_html_quote(html: str) -> str:
    marker = HTML_QUOTE_MARKERS.search(html)
    return html[: marker.start()] if marker and html[: marker.start()].strip() else html


def _note_dropped(ticket: Ticket, dropped: list[str]) -> None:
    if dropped:
        text = _("Files left out of the mail (type not accepted or too large): %(names)s") % {
            "names": ", ".join(dropped)
        }
        add_system_note(ticket=ticket, body_html=f"<p>{escape(text)}</p>")
