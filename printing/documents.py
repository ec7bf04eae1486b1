"""Printouts and PDFs (SPEC §7): one template for the browser's print view and for WeasyPrint.

The template takes a `Printable`: a reference, a title, header fields and entries. Tickets and
chat transcripts become one in their own apps; PDFs are rows of a `RenderedPdf` model of
theirs, rendered by a worker through `store_pdf()`.
"""

import time
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.queue import enqueue_on_commit

from .models import PrintSettings

PDF_SCHEME = "helpdesk-file:"


@dataclass
class PrintableFile:
    name: str
    size: int
    image_src: str = ""  # set for images: a URL in the browser, a stored file in a PDF
    note: str = ""  # the "Observações" given with the file


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
    links: list[str] = field(default_factory=list)


@dataclass
class Printable:
    reference: str
    title: str
    fields: list[tuple[str, str]]
    entries: list[PrintableEntry]
    audience: str  # shown under the title: "customer copy", "with internal notes", …


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
    with open(finders.find("css/print.css"), encoding="utf-8") as css:
        return css.read()


def _logo_src(*, for_pdf: bool) -> str:
    logo = PrintSettings.current().logo
    if not logo:
        return ""
    return f"{PDF_SCHEME}{logo.name}" if for_pdf else reverse("printing:logo")


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
    # Imported here: loading WeasyPrint takes 0.8 s, which only the worker that renders pays.
    from weasyprint import HTML

    buffer = BytesIO()
    HTML(string=html, base_url=settings.SITE_URL, url_fetcher=_fetch_stored_file).write_pdf(buffer)
    return buffer.getvalue()


def settings_stamp() -> float:
    settings_row = PrintSettings.objects.first()
    return settings_row.updated_at.timestamp() if settings_row else 0


@transaction.atomic
def request_document_pdf(model, *, key: str, owner: dict, variant: str, task, args):
    """The stored PDF for `key`: ready, or queued for the worker (again, if it failed);
    `task` is the name of the task that renders it."""
    pdf, created = model.objects.get_or_create(key=key, defaults={**owner, "variant": variant})
    if not created and pdf.status == model.Status.FAILED:
        pdf.status = model.Status.PENDING
        pdf.save(update_fields=["status"])
        created = True
    if created:
        enqueue_on_commit(task, pdf.id, *args)
    return pdf


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
