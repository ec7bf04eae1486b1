"""Reads of the live chat, scoped to what an agent may see."""

from django.db.models import Q

from tickets.permissions import visible_tickets

from .models import ChatSession


def chats_for(user):
    """The chats of the agent's departments, and those they hold."""
    if user.is_administrator:
        return ChatSession.objects.all()
    return ChatSession.objects.filter(Q(department_id__in=user.department_ids) | Q(agent=user))


def console_chats(user) -> dict:
    scope = chats_for(user).select_related("department", "agent")
    return {
        "waiting": list(scope.filter(status=ChatSession.Status.WAITING).order_by("created_at")),
        "mine": list(
            scope.filter(status=ChatSession.Status.ACTIVE, agent=user).order_by("accepted_at")
        ),
    }


def earlier_contacts(session: ChatSession, user) -> dict:
    """The visitor's earlier chats and tickets, found by e-mail (SPEC §5, S1)."""
    chats = (
        chats_for(user)
        .filter(visitor_email=session.visitor_email)
        .exclude(id=session.id)
        .select_related("department", "agent")
        .order_by("-created_at")[:20]
    )
    tickets = (
        visible_tickets(user)
        .filter(requester__email=session.visitor_email)
        .select_related("department")
        .order_by("-created_at")[:20]
    )
    return {"earlier_chats": list(chats), "earlier_tickets": list(tickets)}


def chat_history(user, filters: dict, *, since=None):
    chats = chats_for(user).select_related("department", "agent")
    if filters.get("email"):
        chats = chats.filter(visitor_email__icontains=filters["email"].strip())
    if since:
        chats = chats.filter(created_at__gte=since)
    if filters.get("start"):
        chats = chats.filter(created_at__date__gte=filters["start"])
    if filters.get("end"):
        chats = chats.filter(created_at__date__lte=filters["end"])
    return list(chats.order_by("-created_at")[: filters.get("limit") or 50])
