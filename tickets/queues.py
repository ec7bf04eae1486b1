"""The agent panel's queues (S3 §3): each a filter over what the agent may see."""

from datetime import timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Attachment, EntryLink, TicketEntry
from .permissions import visible_tickets
from .selectors import text_match
from .workflow import Status

S = Status
ACTIVE = [S.NEW, S.OPEN, S.WAITING_CUSTOMER, S.PENDING, S.REOPENED]

TITLES = {
    "new": _("New"),
    "customer_replied": _("Customer replied"),
    "claimed": _("Claimed, no reply yet"),
    "waiting": _("Waiting on customer"),
    "pending": _("Pending"),
    "mine": _("My open"),
    "team_open": _("Team open"),
    "team_waiting": _("Team awaiting action"),
    "escalations": _("Escalations"),
    "all": _("All open"),
}


def queues_for(user) -> dict[str, Q]:
    """Name -> condition, in the order the panel shows them; team queues for leaders only."""
    mine = Q(assignee_id=user.id)
    active = Q(status__in=ACTIVE)
    departments = Q() if user.is_administrator else Q(department_id__in=user.department_ids)
    queues = {
        "new": active & departments & Q(assignee__isnull=True),
        "customer_replied": mine
        & Q(status__in=[S.OPEN, S.REOPENED, S.PENDING], customer_spoke_last=True)
        & Q(first_response_at__isnull=False),
        "claimed": mine & active & Q(first_response_at__isnull=True),
        "waiting": mine & Q(status=S.WAITING_CUSTOMER),
        "pending": mine & Q(status=S.PENDING),
        # Everything of mine not yet resolved, whoever spoke last (the queues above miss an
        # open ticket I answered last without waiting on the customer).
        "mine": mine & active,
    }
    if user.is_administrator or user.is_manager:
        team = Q() if user.is_administrator else Q(department_id__in=user.managed_department_ids)
        assigned = team & active & Q(assignee__isnull=False)
        queues["team_open"] = assigned & Q(first_response_at__isnull=False)
        queues["team_waiting"] = assigned & Q(first_response_at__isnull=True)
    queues["escalations"] = active & Q(parent__isnull=False)
    queues["all"] = active
    return queues


def queue_counts(user) -> dict[str, int]:
    """Every queue's count in one query."""
    queues = queues_for(user)
    counts = visible_tickets(user).aggregate(
        **{name: Count("id", filter=condition) for name, condition in queues.items()}
    )
    return {name: counts[name] for name in queues}


SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "priority": ("priority__position", "-updated_at"),
    "-priority": ("-priority__position", "-updated_at"),
}


def queue_tickets(user, name: str, filters: dict):
    queues = queues_for(user)
    tickets = visible_tickets(user).filter(queues.get(name, queues["all"]))
    for field in ("department", "category", "priority"):
        if filters.get(field):
            tickets = tickets.filter(**{field: filters[field]})
    if filters.get("agent"):
        tickets = tickets.filter(assignee=filters["agent"])
    due = filters.get("due")
    now = timezone.now()
    if due == "overdue":
        tickets = tickets.filter(due_at__lt=now, sla_paused_at__isnull=True)
    elif due == "today":
        tickets = tickets.filter(due_at__lt=now + timedelta(days=1))
    elif due == "week":
        tickets = tickets.filter(due_at__lt=now + timedelta(days=7))
    if filters.get("q"):
        tickets = tickets.filter(text_match(filters["q"], public_only=False))
    order = SORTS.get(filters.get("sort") or "due", SORTS["due"])
    return tickets.select_related(
        "requester", "organization", "department", "assignee", "priority", "category"
    ).order_by(*order)


def agent_thread(ticket, *, notes: bool = True):
    """The whole history, events included, in a fixed number of queries; internal notes only
    when `notes` (for those who work on the ticket, not merely see it)."""
    entries = ticket.entries.all() if notes else ticket.entries.exclude(kind=TicketEntry.Kind.NOTE)
    return (
        entries.select_related("author", "quoted__author")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch("links", queryset=EntryLink.objects.order_by("id")),
        )
        .order_by("created_at", "id")
    )


def children_with_latest_reply(ticket):
    """The escalations of a ticket, each with its latest message (S3 §4.6)."""
    latest = TicketEntry.objects.filter(
        ticket_id=OuterRef("id"), kind__in=["message", "reply"]
    ).order_by("-created_at", "-id")
    return (
        ticket.children.filter(trashed_at__isnull=True)
        .select_related("department", "assignee")
        .annotate(
            latest_text=Subquery(latest.values("body_text")[:1]),
            latest_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("created_at")
    )


def time_totals(ticket) -> tuple[int, list[tuple[str, int]]]:
    """Minutes worked on a ticket, in all and per agent (S3 §4.9)."""
    per_agent = (
        ticket.entries.filter(minutes__isnull=False)
        .values("author__full_name")
        .annotate(total=Sum("minutes"))
        .order_by("-total")
    )
    rows = [(row["author__full_name"] or "", row["total"]) for row in per_agent]
    return sum(total for _, total in rows), rows


def requester_card(ticket, user):
    """The requester's other tickets the agent may see, newest first."""
    others = (
        visible_tickets(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(id=ticket.id)
        .select_related("department")
        .order_by("-created_at")
    )
    return list(others[:5]), others.count()


def minutes_per_agent(user, *, since=None):
    """Time worked by each agent the user may see tickets of (S3 §4.9 totals per agent)."""
    entries = TicketEntry.objects.filter(minutes__isnull=False, ticket__in=visible_tickets(user))
    if since:
        entries = entries.filter(created_at__gte=since)
    return list(
        entries.values("author__full_name").annotate(total=Sum("minutes")).order_by("-total")
    )
