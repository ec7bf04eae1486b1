"""Reads of the live chat, scoped to what an agent may see."""

from django.core import signing

from accounts.models import User
from tickets.permissions import visible_tickets

from .models import VERIFIED_CHATS, ChatMessage, ChatSession
from .permissions import chats_for

TOKEN_SALT = "chat.visitor"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = 24 * 3600


def visitor_token(session: ChatSession) -> str:
    """What the visitor's page carries to open its websocket: signed, valid a day."""
    return signing.dumps(str(session.token), salt=TOKEN_SALT)


def chat_for_token(token: str) -> ChatSession | None:
    """The visitor's chat: the signed token is all the visitor holds (no account needed)."""
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return ChatSession.objects.select_related("department", "agent").filter(token=value).first()


def messages_after(session_id: int, after: int) -> list[dict]:
    """The chat's lines numbered after `after`, as socket events (what a reconnect missed)."""
    rows = ChatMessage.objects.filter(session_id=session_id, sequence__gt=after)
    return [row.as_event() for row in rows.order_by("sequence")]


def agent_of(chat_id: int) -> int | None:
    """Who holds the chat now."""
    return ChatSession.objects.filter(id=chat_id).values_list("agent_id", flat=True).first()


def visible_chat_ids(user: User, chat_ids) -> set[int]:
    """Which of these chats the person may still see (none asked: no query)."""
    if not chat_ids:
        return set()
    return set(chats_for(user).filter(id__in=list(chat_ids)).values_list("id", flat=True))


def console_chats(user: User) -> dict:
    scope = chats_for(user).select_related("department", "agent")
    return {
        "waiting": list(scope.filter(status=ChatSession.Status.WAITING).order_by("created_at")),
        "mine": list(
            scope.filter(status=ChatSession.Status.ACTIVE, agent=user).order_by("accepted_at")
        ),
    }


def earlier_contacts(session: ChatSession, user: User) -> dict:
    """The visitor's earlier chats and tickets, found by e-mail (SPEC §5, S1).

    Only for an address the visitor proved (logged in, or confirmed): anybody may type anybody's
    address, and would otherwise be shown, through the agent, what that person asked before.
    Among the earlier chats, only those whose address was proven too.
    """
    if not session.is_email_verified:
        return {"earlier_chats": [], "earlier_tickets": [], "contacts_hidden": True}
    chats = (
        chats_for(user)
        .filter(VERIFIED_CHATS, visitor_email=session.visitor_email)
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
    return {
        "earlier_chats": list(chats),
        "earlier_tickets": list(tickets),
        "contacts_hidden": False,
    }


def chat_history(user: User, filters: dict, *, since=None):
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
