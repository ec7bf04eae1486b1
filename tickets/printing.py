"""Printouts and PDFs (SPEC §7): one template for the browser's print view and for WeasyPrint.

The template takes a `Printable`: a reference, a title, header fields and entries. Tickets
become one here; the chat's transcripts can become one the same way.
"""

import time
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .history import event_text
from .models import Attachment, PrintSettings, Ticket, TicketPdf
from .queues import agent_thread
from .selectors import public_thread

PDF_SCHEME = "helpdesk-file:"


@dataclass
class PrintableFile:
    name: str
    size: int
    image_src: str = ""  # set for images: a URL in the browser, a stored file in a PDF


@dataclass
class PrintableEntry:
    author: str
    at: object
    kind: str
    label: str = ""
    html: str = ""
    is_internal: bool = False
    minutes: int | None = None
    files: list[PrintableFile] = field(default_factory=list)


@dataclass
class Printable:
    reference: str
    title: str
    fields: list[tuple[str, str]]
    entries: list[PrintableEntry]
    audience: str  # shown under the title: "customer copy", "with internal notes", …


@dataclass(frozen=True)
class Variant:
    """What a reader may see: public entries only, or notes and time too (agents choose)."""

    notes: bool = False
    time: bool = False

    @property
    def name(self) -> str:
        return (
            "customer" if not (self.notes or self.time) else f"n{int(self.notes)}t{int(self.time)}"
        )


CUSTOMER = Variant()


def printable_ticket(ticket: Ticket, variant: Variant, *, for_pdf: bool) -> Printable:
    entries = agent_thread(ticket) if variant.notes or variant.time else public_thread(ticket)
    printed = []
    for entry in entries:
        if entry.kind == "note" and not variant.notes:
            continue
        if entry.kind == "time" and not variant.time:
            continue
        if not entry.is_public and not (entry.kind in ("note", "time") or variant.notes):
            continue
        printed.append(_printable_entry(ticket, entry, variant, for_pdf=for_pdf))
    return Printable(
        reference=ticket.reference,
        title=ticket.title,
        fields=_ticket_fields(ticket),
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


def _ticket_fields(ticket: Ticket) -> list[tuple[str, str]]:
    def when(value):
        return date_filter(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"

    return [
        (_("Status"), str(ticket.customer_status)),
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
    label = ""
    if not entry.is_message and entry.kind != "progress":
        # Events read as in the history on screen.
        label = event_text(entry, staff=variant.notes)
    files = [
        PrintableFile(
            name=attachment.name,
            size=attachment.size,
            image_src=_image_src(ticket, attachment, for_pdf=for_pdf)
            if attachment.is_image
            else "",
        )
        for attachment in entry.files
    ]
    return PrintableEntry(
        author=entry.author.full_name if entry.author else _("System"),
        at=entry.created_at,
        kind=entry.kind,
        label=label,
        html=entry.body_html,
        is_internal=not entry.is_public,
        minutes=entry.minutes if variant.time else None,
        files=files,
    )


def _image_src(ticket, attachment: Attachment, *, for_pdf: bool) -> str:
    if for_pdf:
        return f"{PDF_SCHEME}{attachment.file.name}"
    return reverse("tickets:attachment", args=[ticket.number, attachment.id])


def render_html(printable: Printable, *, for_pdf: bool, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "print/thread.html",
            {
                "doc": printable,
                "for_pdf": for_pdf,
                "print_settings": PrintSettings.current(),
                "logo_src": _logo_src(for_pdf=for_pdf),
                "print_css": _print_css() if for_pdf else "",
            },
        )


def _print_css() -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css"), encoding="utf-8") as css:
        return css.read()


def _logo_src(*, for_pdf: bool) -> str:
    logo = PrintSettings.current().logo
    if not logo:
        return ""
    return f"{PDF_SCHEME}{logo.name}" if for_pdf else reverse("tickets:print_logo")


def _fetch_stored_file(url: str):
    """WeasyPrint reads our files from storage, never over HTTP; anything else is refused."""
    if not url.startswith(PDF_SCHEME):
        raise ValueError(f"not fetched: {url}")
    name = url[len(PDF_SCHEME) :]
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    try:  # WeasyPrint 70 and later
        from weasyprint.urls import URLFetcherResponse
    except ImportError:
        return {"string": content}
    return URLFetcherResponse(url, body=content)


def render_pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    buffer = BytesIO()
    HTML(string=html, base_url=settings.SITE_URL, url_fetcher=_fetch_stored_file).write_pdf(buffer)
    return buffer.getvalue()


# PDFs: one row per version of a document, rendered by a Celery task.


def _settings_stamp() -> float:
    settings_row = PrintSettings.objects.first()
    return settings_row.updated_at.timestamp() if settings_row else 0


def pdf_key(ticket: Ticket, variant: Variant, language: str) -> str:
    return (
        f"{ticket.id}:{variant.name}:{language}:{ticket.updated_at.timestamp()}:{_settings_stamp()}"
    )


@transaction.atomic
def request_document_pdf(model, *, key: str, owner: dict, variant: str, task, args):
    """The stored PDF for `key`: ready, or queued for the worker (again, if it failed)."""
    from helpdesk.queue import enqueue_on_commit

    pdf, created = model.objects.get_or_create(key=key, defaults={**owner, "variant": variant})
    if not created and pdf.status == model.Status.FAILED:
        pdf.status = model.Status.PENDING
        pdf.save(update_fields=["status"])
        created = True
    if created:
        enqueue_on_commit(task, pdf.id, *args)
    return pdf


def request_pdf(ticket: Ticket, variant: Variant, language: str) -> TicketPdf:
    """The PDF of the ticket as it is now."""
    from .tasks import render_ticket_pdf

    return request_document_pdf(
        TicketPdf, key=pdf_key(ticket, variant, language), owner={"ticket": ticket},
        variant=variant.name, task=render_ticket_pdf, args=(language,),
    )  # fmt: skip


def store_pdf(pdf, build_printable, *, language: str, file_name: str) -> None:
    """Render `build_printable()` into `pdf`'s file (the Celery task's work)."""
    started = time.perf_counter()
    try:
        with translation.override(language):
            printable = build_printable()
        content = render_pdf_bytes(render_html(printable, for_pdf=True, language=language))
    except Exception as error:
        type(pdf).objects.filter(id=pdf.id).update(
            status=pdf.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    pdf.file.save(file_name, ContentFile(content), save=False)
    pdf.render_ms = round((time.perf_counter() - started) * 1000)
    pdf.status = pdf.Status.READY
    pdf.save(update_fields=["file", "render_ms", "status"])


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
    if name == "customer":
        return CUSTOMER
    return Variant(notes=name[1] == "1", time=name[3] == "1")
