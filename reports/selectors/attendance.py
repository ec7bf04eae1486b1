"""Attendance (S1): contacts per origin, plan and type, those resolved at the first contact,
and the service orders per technician and status."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform

from accounts.models import User
from attendance.models import Attendance, AttendanceType
from tickets.models import ServiceOrder, TicketEntry
from tickets.workflow import Status

from ..filters import Filters
from .common import in_period, names, scoped_tickets, share

# The first contact resolves the ticket in the same request, a moment after it is recorded.
SAME_CONTACT = timedelta(minutes=1)


def attendance_report(user: User, filters: Filters) -> dict:
    """Attendances started in the period on the tickets the reports count (an attendance is
    the agent's who took it, the agent filter included). Five queries."""
    tickets = scoped_tickets(user, filters, by_assignee=False)
    attendances = Attendance.objects.filter(
        ticket__in=tickets, **in_period("created_at", filters)
    ).order_by()
    if filters.agent_id is not None:
        attendances = attendances.filter(agent_id=filters.agent_id)
    resolved_then = TicketEntry.objects.filter(
        ticket_id=OuterRef("ticket_id"),
        kind=TicketEntry.Kind.STATUS,
        data__to=Status.RESOLVED,
        created_at__gte=OuterRef("first_contact_at"),
        created_at__lte=OuterRef("first_contact_at") + SAME_CONTACT,
    )
    totals = attendances.aggregate(
        count=Count("id"),
        first_contact=Count("id", filter=Q(first_contact_at__isnull=False)),
        resolved_first=Count("id", filter=Exists(resolved_then)),
    )
    totals["resolved_first_share"] = share(totals["resolved_first"], totals["first_contact"])
    origins = dict(Attendance.Origin.choices)
    by_origin = [
        {"name": str(origins.get(row["origin"], row["origin"])), "count": row["n"]}
        for row in attendances.values("origin").annotate(n=Count("id")).order_by("-n", "origin")
    ]
    by_plan = [
        {
            "name": row["plan__name"] or "",
            "name_pt_br": row["plan__name_pt_br"] or "",
            "count": row["n"],
        }
        for row in attendances.values("plan__name", "plan__name_pt_br")
        .annotate(n=Count("id"))
        .order_by("-n", "plan__name")
    ]
    # The first contact's note keeps the type's English name; its Portuguese name is the type's
    # that still has that name (in the same query).
    named = AttendanceType.objects.filter(name=OuterRef("type")).values("name_pt_br")[:1]
    by_type = [
        {"name": row["type"] or "", "name_pt_br": row["type_pt_br"] or "", "count": row["n"]}
        for row in TicketEntry.objects.filter(
            ticket__in=attendances.values("ticket_id"), data__attendance="first_contact"
        )
        .annotate(type=KeyTextTransform("type", "data"))
        .values("type")
        .annotate(n=Count("id"), type_pt_br=Subquery(named))
        .order_by("-n", "type")
    ]
    orders = list(
        ServiceOrder.objects.filter(ticket__in=tickets, **in_period("starts_at", filters))
        .values("technician_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    technicians = names(User, {row["technician_id"] for row in orders})
    per_technician: dict = {}
    for row in orders:
        found = per_technician.setdefault(
            row["technician_id"], {"name": technicians.get(row["technician_id"], "")}
        )
        found[row["status"]] = found.get(row["status"], 0) + row["n"]
    return {
        "totals": totals,
        "origins": by_origin,
        "plans": by_plan,
        "types": by_type,
        "orders": sorted(per_technician.values(), key=lambda row: row["name"].casefold()),
        "order_statuses": [key for key, _label in ServiceOrder.Status.choices],
    }
