"""Print views and PDFs of tickets (SPEC §7) for customers and agents."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.decorators import agent_required
from mail import copies
from printing.responses import (
    pdf_file_response,
    pdf_status_partial,
    pdf_wait_page,
    print_response,
)
from tickets import permissions, printing
from tickets.models import TicketEntry, TicketPdf
from tickets.selectors import public_thread
from tickets.views.portal import _ticket as portal_ticket
from tickets.views.portal import login_or_guest_link_required

MESSAGE_KINDS = (TicketEntry.Kind.MESSAGE, TicketEntry.Kind.REPLY)


def _not_found():
    raise Http404


def _variant_from(request, ticket) -> printing.Variant:
    variant = printing.Variant(
        notes=request.GET.get("notes") == "1", time=request.GET.get("time") == "1"
    )
    # Notes and time are for those who work on the ticket, not all who can see it.
    if not variant.is_customer_copy and not permissions.works_on(request.user, ticket):
        raise PermissionDenied
    return variant


def _agent_ticket(request, number):
    return permissions.get_ticket_for(request.user, number)


def _print(request, ticket, variant):
    return print_response(printing.printable_ticket(ticket, variant, for_pdf=False))


def _pdf_page(request, ticket, variant):
    pdf = printing.request_pdf(ticket, variant, get_language())
    return pdf_wait_page(
        request, pdf, reference=ticket.reference,
        status_url=reverse("tickets:pdf_status", args=[ticket.number, pdf.id]),
        download_url=reverse("tickets:pdf_download", args=[ticket.number, pdf.id]),
    )  # fmt: skip


def _reader_id(request) -> int | None:
    return request.user.id if request.user.is_authenticated else None


def _customer_copy(request, ticket) -> printing.Variant:
    return printing.customer_variant(ticket, _reader_id(request))


@login_or_guest_link_required
@require_GET
def customer_print(request, number):
    ticket = portal_ticket(request, number)
    return _print(request, ticket, _customer_copy(request, ticket))


@login_or_guest_link_required
@require_GET
def print_entry(request, number, entry_id):
    ticket = portal_ticket(request, number)
    printable = printing.printable_ticket(
        ticket, _customer_copy(request, ticket), for_pdf=False, entry_id=entry_id
    )
    return print_response(printable) if printable.entries else _not_found()


@login_or_guest_link_required
@require_GET
def entry_email(request, number, entry_id):
    ticket = portal_ticket(request, number)
    entry = get_object_or_404(public_thread(ticket), id=entry_id, kind__in=MESSAGE_KINDS)
    author, desk = entry.author, (str(ticket.department), ticket.department.email)
    person = (author.full_name, author.email) if author and not author.is_agent else None
    email = copies.as_mailed(
        (entry.data or {}).get("mail_id"), sender=person or desk, date=entry.created_at,
        to=desk if person else (ticket.requester.full_name, ticket.requester.email),
        subject=f"[{ticket.reference}] {ticket.title}", body=entry.body_text,
    )  # fmt: skip
    return render(request, "tickets/entry_email.html", {"ticket": ticket, "email": email})


@login_or_guest_link_required
@require_GET
def customer_pdf(request, number):
    ticket = portal_ticket(request, number)
    return _pdf_page(request, ticket, _customer_copy(request, ticket))


@agent_required
@require_GET
def agent_print(request, number):
    ticket = _agent_ticket(request, number)
    return _print(request, ticket, _variant_from(request, ticket))


@agent_required
@require_GET
def agent_pdf(request, number):
    ticket = _agent_ticket(request, number)
    return _pdf_page(request, ticket, _variant_from(request, ticket))


def _pdf_for(request, number, pdf_id) -> TicketPdf:
    ticket = portal_ticket(request, number)
    pdf = get_object_or_404(TicketPdf, id=pdf_id, ticket=ticket)
    # Internal copies are for the agents working on it, whoever else can see the ticket.
    customer_copies = (printing.CUSTOMER.name, printing.COLLEAGUE.name)
    if pdf.variant not in customer_copies and not permissions.works_on(request.user, ticket):
        raise Http404
    return pdf


@login_or_guest_link_required
@require_GET
def pdf_status(request, number, pdf_id):
    pdf = _pdf_for(request, number, pdf_id)
    download_url = reverse("tickets:pdf_download", args=[number, pdf.id])
    return pdf_status_partial(request, pdf, download_url=download_url)


@login_or_guest_link_required
@require_GET
def pdf_download(request, number, pdf_id):
    pdf = _pdf_for(request, number, pdf_id)
    if pdf.status != TicketPdf.Status.READY:
        return redirect("tickets:pdf_wait", number=number, pdf_id=pdf.id)
    return pdf_file_response(pdf, f"ticket-{pdf.ticket.number}.pdf")


@login_or_guest_link_required
@require_GET
def pdf_wait(request, number, pdf_id):
    pdf = _pdf_for(request, number, pdf_id)
    return pdf_wait_page(
        request, pdf, reference=pdf.ticket.reference,
        status_url=reverse("tickets:pdf_status", args=[number, pdf.id]),
        download_url=reverse("tickets:pdf_download", args=[number, pdf.id]),
    )  # fmt: skip
