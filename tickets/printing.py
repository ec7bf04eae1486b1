"""The ticket as a printable document and a PDF (SPEC §7), for customers and agents."""

from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from printing.documents import (
    PDF_SCHEME,
    Printable,
    PrintableEntry,
    PrintableFile,
    request_document_pdf,
    settings_stamp,
    store_pdf,
)

from .history import _progress_text, event_text, progress_name
from .models import Attachment, Ticket, TicketEntry, TicketPdf
from .queues import agent_thread
from .selectors import public_thread


@dataclass(frozen=True)
class Variant:
    """What a reader may see: public entries only, or notes and time too (agents choose);
    `own`: a customer copy read by the ticket's requester, else by a colleague (a master user),
    for whom the ticket waits for its requester, not for them."""

    notes: bool = False
    time: bool = False
    own: bool = True

    @property
    def name(self) -> str:
        if self.notes or self.time:
            return f"n{int(self.notes)}t{int(self.time)}"
        return "customer" if self.own else "colleague"

    @property
    def is_customer_copy(self) -> bool:
        return not (self.notes or self.time)


CUSTOMER = Variant()
COLLEAGUE = Variant(own=False)


def customer_variant(ticket: Ticket, reader_id: int | None) -> Variant:
    """The customer copy as the person `reader_id` (None: a guest) reads it."""
    return CUSTOMER if ticket.is_own_for(reader_id) else COLLEAGUE


def printable_ticket(
    ticket: Ticket, variant: Variant, *, for_pdf: bool, entry_id=None
) -> Printable:
    """The ticket, or its entry `entry_id` alone (S2 §4 5c), as `variant`'s reader sees it."""
    entries = agent_thread(ticket) if variant.notes or variant.time else public_thread(ticket)
    entries = entries if entry_id is None else entries.filter(id=entry_id)
    printed = []
    for entry in entries:
        if entry.kind == TicketEntry.Kind.NOTE and not variant.notes:
            continue
        if entry.kind == TicketEntry.Kind.TIME and not variant.time:
            continue
        if not entry.is_public and not (entry.kind in ("note", "time") or variant.notes):
            continue
        printed.append(_printable_entry(ticket, entry, variant, for_pdf=for_pdf))
    return Printable(
        reference=ticket.reference,
        title=ticket.title,
        fields=_ticket_fields(ticket, own=variant.own),
        entries=printed,
        audience=_audience(variant),
    )


def _audience(variant: Variant) -> str:
    if variant.notes and variant.time:
        return _("Internal copy: with notes and time worked")
    if variant.notes:
        return _("Internal copy: with notes")
    if variant.time:
        return _("Internal copy: with time worked")
    return _("Customer copy")


def _ticket_fields(ticket: Ticket, *, own: bool) -> list[tuple[str, str]]:
    def when(value):
        return date_filter(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"

    return [
        (_("Status"), str(ticket.status_as(own=own))),
        (_("Department"), str(ticket.department)),
        (_("Category"), str(ticket.category or "—")),
        (_("Product"), str(ticket.product or "—")),
        (_("Priority"), str(ticket.priority or "—")),
        (_("Severity"), str(ticket.severity or "—")),
        (_("Agent"), ticket.assignee.full_name if ticket.assignee else "—"),
        (_("Opened by"), ticket.requester.full_name),
        (_("Organization"), ticket.organization.name if ticket.organization else "—"),
        (_("Created"), when(ticket.created_at)),
        (_("Due"), when(ticket.due_at)),
    ]


def _printable_entry(ticket, entry, variant, *, for_pdf) -> PrintableEntry:
    label, data = "", entry.data or {}
    if entry.kind == "progress":  # the step, named as the screen's badge names it
        label = _progress_text(progress_name(data)) if data.get("label") else _("Progress ended")
    elif not entry.is_message:
        # Events read as in the history on screen.
        label = event_text(entry, staff=variant.notes, own=variant.own)
    files = [
        PrintableFile(
            name=attachment.name,
            size=attachment.size,
            image_src=_image_src(ticket, attachment, for_pdf=for_pdf)
            if attachment.is_image
            else "",
            note=attachment.note,
        )
        for attachment in entry.files
    ]
    return PrintableEntry(
        author=entry.author.full_name if entry.author else _("System"),
        at=entry.created_at,
        kind=entry.kind,
        label=label,
        html=_stored_images(ticket, entry) if for_pdf else entry.body_html,
        is_internal=not entry.is_public,
        minutes=entry.minutes if variant.time else None,
        files=files,
        links=[link.url for link in entry.web_links],
    )


def _stored_images(ticket, entry) -> str:
    """The entry's text for the PDF: an image shown in place (of an incoming mail, or pasted)
    points at the ticket's file page, which the PDF reads from storage instead."""
    html = entry.body_html
    for attachment in entry.files:
        page = reverse("tickets:attachment", args=[ticket.number, attachment.id])
        if attachment.is_image and f'src="{page}"' in html:
            html = html.replace(
                f'src="{page}"', f'src="{_image_src(ticket, attachment, for_pdf=True)}"'
            )
    return html


def _image_src(ticket, attachment: Attachment, *, for_pdf: bool) -> str:
    if for_pdf:
        return f"{PDF_SCHEME}{attachment.file.name}"
    return reverse("tickets:attachment", args=[ticket.number, attachment.id])


def pdf_key(ticket: Ticket, variant: Variant, language: str) -> str:
    return (
        f"{ticket.id}:{variant.name}:{language}:{ticket.updated_at.timestamp()}:{settings_stamp()}"
    )


def request_pdf(ticket: Ticket, variant: Variant, language: str) -> TicketPdf:
    """The PDF of the ticket as it is now."""
    return request_document_pdf(
        TicketPdf, key=pdf_key(ticket, variant, language), owner={"ticket": ticket},
        variant=variant.name, task="tickets.tasks.render_ticket_pdf", args=(language,),
    )  # fmt: skip


def render_ticket_pdf(pdf_id: int, language: str) -> None:
    pdf = TicketPdf.objects.select_related("ticket").filter(id=pdf_id).first()
    if pdf is None or pdf.status == TicketPdf.Status.READY:
        return
    variant = _variant_named(pdf.variant)
    store_pdf(
        pdf, lambda: printable_ticket(pdf.ticket, variant, for_pdf=True), language=language,
        file_name=f"ticket-{pdf.ticket.number}.pdf",
    )  # fmt: skip


def _variant_named(name: str) -> Variant:
    if name in (CUSTOMER.name, COLLEAGUE.name):
        return CUSTOMER if name == CUSTOMER.name else COLLEAGUE
    return Variant(notes=name[1] == "1", time=name[3] == "1")
