"""Reads of the guided attendance (S1): earlier contacts of an address, the client search."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, normalize_email
from chat.models import VERIFIED_CHATS, ChatMessage
from chat.permissions import chats_for
from tickets.models import ServiceOrder, TicketEntry
from tickets.permissions import visible_tickets

MAX_CONTACTS = 100


@dataclass(frozen=True)
class Contact:
    """An earlier ticket or chat, as the contacts step lists them (S1 1.2)."""

    kind: str  # "ticket" or "chat"
    at: datetime
    subject: str
    login: str
    name: str
    summary: str
    url: str


def earlier_contacts(
    user: User, *, email: str, days=None, start=None, end=None, limit=20, excluding=None,
    kind="",
):  # fmt: skip
    """The tickets and chats of an address, newest first: within the last `days`, between two
    dates, at most `limit` of them (S1 1.1); `kind` "chat" or "ticket" for one of them only
    (S1 1.1.4 "E-mail Suporte Online"). Only what `user` may see, and of the chats only
    those whose address was proven (a signed-in or confirmed visitor): anybody may type anybody's
    address into the chat; a signed-in visitor's chats are theirs whatever address they typed.
    `excluding`: the ticket of the attendance itself, no earlier contact of its own."""
    email = normalize_email(email)
    limit = max(1, min(limit or 20, MAX_CONTACTS))
    period = Q()
    if days:
        period &= Q(created_at__gte=timezone.now() - timedelta(days=days))
    if start:
        period &= Q(created_at__date__gte=start)
    if end:
        period &= Q(created_at__date__lte=end)
    first_message = TicketEntry.objects.filter(
        ticket=OuterRef("id"), kind=TicketEntry.Kind.MESSAGE
    ).order_by("created_at", "id")
    tickets = (
        visible_tickets(user)
        .filter(period, requester__email=email)
        .exclude(id=excluding or 0)
        .select_related("requester")
        .annotate(summary=Subquery(first_message.values("body_text")[:1]))
        .order_by("-created_at")[:limit]
    )
    if kind == "chat":
        tickets = tickets.none()
    first_words = ChatMessage.objects.filter(
        session=OuterRef("id"), kind=ChatMessage.Kind.VISITOR
    ).order_by("sequence")
    chats = (
        chats_for(user)
        .filter(VERIFIED_CHATS, period)
        .filter(Q(visitor_email=email) | Q(visitor__email=email))
        .select_related("department", "visitor")
        .annotate(summary=Subquery(first_words.values("body_text")[:1]))
        .order_by("-created_at")[:limit]
    )
    if kind == "ticket":
        chats = chats.none()
    contacts = [
        Contact("ticket", t.created_at, f"{t.reference} {t.title}", t.requester.email,
                t.requester.full_name, t.summary or "", reverse("agent:ticket", args=[t.number]))
        for t in tickets
    ] + [
        Contact("chat", c.created_at, str(c.department), c.visitor.email if c.visitor else
                c.visitor_email, c.visitor_name, c.summary or "",
                reverse("chat:agent_print", args=[c.id]))
        for c in chats
    ]  # fmt: skip
    contacts.sort(key=lambda contact: contact.at, reverse=True)
    return contacts[:limit]


def addresses_starting(user: User, text: str, *, limit: int = 10) -> list[str]:
    """Addresses of customers and chat visitors that start with `text` (S1 1.1.4: the agent
    types the first letters and picks the address)."""
    text = normalize_email(text)
    if len(text) < 2:
        return []
    people = User.objects.filter(
        role=User.Role.CUSTOMER, is_active=True, email__startswith=text
    ).values_list("email", flat=True)
    visitors = chats_for(user).filter(visitor_email__istartswith=text)
    found = set(people.order_by("email")[:limit])
    found |= set(visitors.values_list("visitor_email", flat=True).distinct()[:limit])
    return sorted(normalize_email(address) for address in found)[:limit]


SEARCH_FIELDS = {
    "name": "full_name",
    "email": "email",
    "organization": "organization__name",
    "phone": "phone",
}
CONDITIONS = {"contains": "icontains", "starts_with": "istartswith", "equals": "iexact"}


def find_clients(*, field_name: str, condition: str, text: str, limit: int = 20):
    """Customers whose `field_name` contains / starts with / equals `text` (S1 1.3.1)."""
    lookup = f"{SEARCH_FIELDS[field_name]}__{CONDITIONS[condition]}"
    return list(
        User.objects.filter(role=User.Role.CUSTOMER, is_active=True, **{lookup: text.strip()})
        .select_related("organization")
        .order_by("full_name", "email")[: max(1, min(limit, MAX_CONTACTS))]
    )


# A technician's own service orders (S1 1.8), besides the agenda: a list to work through.

ORDER_KEYS = [("starts_at", False), ("id", False)]


def service_orders_of(technician: User, *, status="", kind="", start=None, end=None):
    """The technician's orders, the earliest first, by status, type and days (in the site's
    time zone); each says whether its ticket is one the technician may see."""
    orders = ServiceOrder.objects.filter(technician=technician)
    if status:
        orders = orders.filter(status=status)
    if kind:
        orders = orders.filter(kind=kind)
    if start:
        orders = orders.filter(starts_at__date__gte=start)
    if end:
        orders = orders.filter(starts_at__date__lte=end)
    seen = visible_tickets(technician).filter(id=OuterRef("ticket_id"))
    return orders.select_related("ticket").annotate(ticket_is_visible=Exists(seen))
