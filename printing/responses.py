"""What a print or PDF view answers, for any document (tickets, chat transcripts)."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from .documents import Printable, render_html


def print_response(printable: Printable) -> HttpResponse:
    return HttpResponse(render_html(printable, for_pdf=False, language=get_language()))


def pdf_wait_page(request, pdf, *, reference, status_url, download_url):
    """The page behind a PDF button: the file at once, or a wait that polls the worker."""
    pdf.refresh_from_db()  # with tasks run in-process it is already made
    if pdf.status == pdf.Status.READY:
        return redirect(download_url)
    context = {
        "reference": reference, "status_url": status_url, "download_url": download_url,
        "status": pdf.status,
    }  # fmt: skip
    return render(request, "print/pdf_wait.html", context)


def pdf_status_partial(request, pdf, *, download_url) -> HttpResponse:
    """The wait page's status, swapped in by htmx; 286 tells htmx to stop asking."""
    context = {"status": pdf.status, "download_url": download_url}
    done = pdf.status != pdf.Status.PENDING
    return render(request, "print/_pdf_status.html", context, status=286 if done else 200)


def pdf_file_response(pdf, file_name) -> FileResponse:
    if pdf.status != pdf.Status.READY or not pdf.file:
        raise Http404  # still being made, or failed: the wait page tells which
    response = FileResponse(
        pdf.file.open("rb"), as_attachment=True, filename=file_name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
