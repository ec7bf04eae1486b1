"""Reads that are more than one line; every ticket query starts at the permission gate."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from .models import Attachment, EntryLink, Ticket, TicketEntry
from .permissions import visible_tickets
from .workflow import Status


def portal_ticket_list(user, *, guest_ticket_ids=frozenset(), filters: dict, sorts: dict):
    """The customer's list (SPEC §3): their tickets, or their organization's for a master."""
    tickets = visible_tickets(user, guest_ticket_ids=guest_ticket_ids).filter(
        kind=Ticket.Kind.EXTERNAL
    )
    if filters.get("scope") == "organization" and user.is_master:
        tickets = tickets.filter(organization_id=user.organization_id)
    else:
        tickets = tickets.filter(requester_id=user.id)
    state = filters.get("state") or "open"
    if state == "open":
        tickets = tickets.exclude(status=Status.CLOSED)
    elif state == "closed":
        tickets = tickets.filter(status=Status.CLOSED)
    for name in ("department", "category"):
        if filters.get(name):
            tickets = tickets.filter(**{name: filters[name]})
    if filters.get("person"):
        tickets = tickets.filter(requester=filters["person"])
    if filters.get("q"):
        tickets = tickets.filter(text_match(filters["q"]))
    order = sorts.get(filters.get("sort") or "-updated", "-updated_at")
    return tickets.select_related("requester", "organization", "department", "assignee").order_by(
        order, "-id"
    )


def text_match(text: str, *, public_only: bool = True) -> Q:
    """Number, title or any message (a full-text index replaces this at scale).

    Customers search the public messages only; agents search notes too.
    """
    text = text.strip()
    digits = text.lstrip("#")
    match = Q(title__icontains=text)
    if digits.isdigit():
        match |= Q(number=int(digits))
    messages = TicketEntry.objects.filter(ticket_id=OuterRef("id"), body_text__icontains=text)
    if public_only:
        messages = messages.filter(is_public=True)
    return match | Q(Exists(messages))


def public_thread(ticket):
    """What the customer sees of a ticket's history, oldest first, in a fixed number of queries."""
    return (
        ticket.entries.filter(is_public=True)
        .select_related("author", "quoted__author")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch("links", queryset=EntryLink.objects.order_by("id")),
        )
        .order_by("created_at", "id")
    )


def scheduled_visits(ticket) -> list:
    """The ticket's service orders as the customer sees them (S1 1.8): not the cancelled."""
    from .models import ServiceOrder

    return list(
        ticket.service_orders.exclude(status=ServiceOrder.Status.CANCELLED).select_related(
            "technician"
        )
    )
