"""Reads that are more than one line; every ticket query starts at the permission gate."""

from django.db.models import Prefetch

from accounts.models import User

from .models import Attachment, EntryLink, ServiceOrder, Ticket, TicketEntry
from .permissions import organization_tickets, visible_tickets
from .search import text_match, typed_number
from .workflow import Status


def portal_ticket_list(user: User, *, guest_ticket_ids=frozenset(), filters: dict):
    """The customer's list (SPEC §3): their tickets, or their organization's for a master."""
    if filters.get("scope") == "organization" and user.is_master:
        tickets = organization_tickets(user, guest_ticket_ids=guest_ticket_ids)
    else:
        tickets = visible_tickets(user, guest_ticket_ids=guest_ticket_ids).filter(
            requester_id=user.id
        )
    tickets = tickets.filter(kind=Ticket.Kind.EXTERNAL)
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
    # The columns the list's rows show (templates/tickets/_row.html), not the whole rows.
    return tickets.select_related("requester", "organization", "assignee").only(*ROW_FIELDS)


def seen_number(user: User, text: str) -> int | None:
    """The ticket number `text` is, if `user` may see that ticket (one query); else None."""
    number = typed_number(text)
    if number is None:
        return None
    return number if visible_tickets(user).filter(number=number).exists() else None


ROW_FIELDS = ("number", "title", "status", "customer_spoke_last", "created_at", "updated_at",
              "department", "requester__full_name", "organization__name",
              "assignee__full_name", "progress_label")  # fmt: skip


def portal_sort_keys(sort: str | None, sorts: dict) -> list[tuple[str, bool]]:
    """The list's seek keys (tickets.paging): the chosen column, then the newest first."""
    order = sorts.get(sort or "-updated", "-updated_at")
    return [(order.lstrip("-"), order.startswith("-")), ("id", True)]


def public_thread(ticket: Ticket):
    """What the customer sees of a ticket's history, oldest first, in a fixed number of queries."""
    return thread_of(ticket.entries.filter(is_public=True))


def thread_of(entries):
    """`entries` oldest first, each with its author, the entry it quotes, and its `files` and
    `web_links` as lists (two queries for the whole thread).

    Lists, not the related managers: a manager per entry, each cloning a QuerySet to hold
    what was fetched, cost more than the queries (3 ms for a 50-entry thread).
    """
    return (
        entries.select_related("author", "quoted__author")
        .defer(*_THREAD_DEFERRED)
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id"), to_attr="files"),
            Prefetch("links", queryset=EntryLink.objects.order_by("id"), to_attr="web_links"),
        )
        .order_by("created_at", "id")
    )


def _all_but(model, kept, *, prefix):
    return [f"{prefix}{f.name}" for f in model._meta.concrete_fields if f.name not in kept]


# Of an entry's author, a thread shows the name and whether they are staff; of the entry it
# quotes, its text and its author's name. Their other columns cost 1 ms of a 50-entry page.
_THREAD_DEFERRED = [
    *_all_but(User, {"id", "full_name", "role"}, prefix="author__"),
    *_all_but(TicketEntry, {"id", "body_text", "author"}, prefix="quoted__"),
    *_all_but(User, {"id", "full_name", "role"}, prefix="quoted__author__"),
]


def scheduled_visits(ticket: Ticket) -> list:
    """The ticket's service orders as the customer sees them (S1 1.8): not the cancelled."""
    return list(
        ticket.service_orders.exclude(status=ServiceOrder.Status.CANCELLED).select_related(
            "technician"
        )
    )
