"""Chat transcripts print and make PDFs like tickets (SPEC §7), through the same renderer."""

from django.db.models import Max
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaks
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from printing.documents import (
    Printable,
    PrintableEntry,
    request_document_pdf,
    settings_stamp,
    store_pdf,
)

from .models import ChatPdf, ChatSession


def printable_chat(session: ChatSession) -> Printable:
    def when(value):
        return date_filter(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"

    entries = [
        PrintableEntry(
            author=message.author_name,
            at=message.created_at,
            kind=message.kind,
            label=_("%(name)s joined the chat.") % {"name": message.body_text}
            if message.kind == message.Kind.SYSTEM
            else "",
            html=linebreaks(escape(message.body_text)),
        )
        for message in session.messages.all()
    ]
    return Printable(
        reference=_("Chat %(number)s") % {"number": session.id},
        title=f"{session.visitor_name} · {_visitor_address(session)}",
        fields=[
            (_("Department"), str(session.department)),
            (_("Agent"), session.agent.full_name if session.agent else "—"),
            (_("Started"), when(session.created_at)),
            (_("Ended"), when(session.ended_at)),
            (_("Rating"), str(session.rating or "—")),
            (_("Ticket"), session.ticket.reference if session.ticket_id else "—"),
        ],
        entries=entries,
        audience=_("Chat transcript"),
    )


def _visitor_address(session: ChatSession) -> str:
    if session.is_email_verified:
        return session.visitor_email
    return _("%(email)s (not verified)") % {"email": session.visitor_email}


def chat_pdf_key(session: ChatSession, language: str) -> str:
    last = session.messages.aggregate(last=Max("sequence"))["last"] or 0
    verified = int(session.is_email_verified)
    return f"chat:{session.id}:{language}:{last}:{session.status}:{verified}:{settings_stamp()}"


def request_chat_pdf(session: ChatSession, language: str) -> ChatPdf:
    return request_document_pdf(
        ChatPdf, key=chat_pdf_key(session, language), owner={"session": session},
        variant="transcript", task="chat.tasks.render_chat_pdf", args=(language,),
    )  # fmt: skip


def render_chat_pdf(pdf_id: int, language: str) -> None:
    pdf = (
        ChatPdf.objects.select_related("session__department", "session__agent")
        .filter(id=pdf_id)
        .first()
    )
    if pdf is None or pdf.status == ChatPdf.Status.READY:
        return
    store_pdf(
        pdf, lambda: printable_chat(pdf.session), language=language,
        file_name=f"chat-{pdf.session.id}.pdf",
    )  # fmt: skip
