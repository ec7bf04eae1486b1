"""The one gate for chats: who sees a conversation, who may take it, who holds it.

`chats_for()` scopes every list and search of chats in the console; `get_chat_for()`
fetches one or raises 404; `own_chats()` are a customer's own. Views, consumers and services
ask these and nothing else.
"""

from django.db.models import Q
from django.http import Http404

from accounts.models import User

from .models import ChatSession


def chats_for(user: User):
    """The chats of the agent's departments, and those they hold; every chat for an
    administrator; none for anyone else."""
    if not user.is_authenticated:
        return ChatSession.objects.none()
    if not user.is_active:
        return ChatSession.objects.none()
    if not user.is_agent:
        return ChatSession.objects.none()
    if user.is_administrator:
        return ChatSession.objects.all()
    return ChatSession.objects.filter(Q(department_id__in=user.department_ids) | Q(agent=user))


def own_chats(user: User):
    """The chats a signed-in customer had as the visitor: those they started logged in. A
    guest chat is not theirs, even under their address (anybody may type anybody's; its
    transcript goes to the address once confirmed, never to a page); none for the staff."""
    if not user.is_authenticated:
        return ChatSession.objects.none()
    if not user.is_active:
        return ChatSession.objects.none()
    if user.is_agent:
        return ChatSession.objects.none()
    return ChatSession.objects.filter(visitor=user)


def get_chat_for(user: User, chat_id, *, lock: bool = False) -> ChatSession:
    """The chat `chat_id` if `user` may see it (404 otherwise), locked when `lock`."""
    chats = chats_for(user).select_related("department", "agent")
    if lock:
        chats = chats.select_for_update(of=("self",))
    try:
        chat = chats.filter(id=int(chat_id)).first()
    except (TypeError, ValueError, OverflowError):
        chat = None
    if chat is None:
        raise Http404
    return chat


def may_use_console(user) -> bool:
    """Whoever opens the agent console, and still, at every frame they send: signed in (the
    session not ended), active, and an agent."""
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    return user.is_agent


def may_type(user: User, chat: ChatSession) -> bool:
    """Only the chat's own agent says "the agent is typing"; an administrator who joins does not."""
    if not may_use_console(user):
        return False
    return chat.agent_id == user.id


def may_accept(user: User, chat: ChatSession) -> bool:
    """An agent of the chat's department takes it; an administrator takes any."""
    if not user.is_authenticated or not user.is_active or not user.is_agent:
        return False
    if user.is_administrator:
        return True
    return chat.department_id in user.department_ids


def holds(user: User, chat: ChatSession) -> bool:
    """May speak in, transfer, end and file the chat: its agent, or an administrator."""
    if not user.is_authenticated or not user.is_active or not user.is_agent:
        return False
    if user.is_administrator:
        return True
    return chat.agent_id == user.id


def may_take_transfer(agent: User, department_id: int) -> bool:
    """A chat is handed only to an active agent of its department."""
    if not agent.is_active:
        return False
    return department_id in agent.department_ids
