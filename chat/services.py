"""Every write of the live chat (SPEC §5); consumers and views call these and nothing else.

Each change is stored first and announced to the conversation's channel-layer group after
commit, so a client that reconnects finds in the database whatever it missed.
"""

import hashlib
import logging
import unicodedata

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Department, User, normalize_email
from accounts.services import find_or_make_guest
from core import hooks, ratelimit
from mail.outbox import queue_email
from tickets.models import Ticket
from tickets.services import open_ticket

from . import permissions
from .models import AgentPresence, ChatMessage, ChatSession

logger = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 4000


class ChatNotAllowed(Exception):
    """The person may not do this to this chat."""


class ChatTaken(Exception):
    """Another agent accepted the chat first; `agent` says who."""

    def __init__(self, agent):
        self.agent = agent
        super().__init__(f"taken by {agent}")


class TooManyChats(Exception):
    """Too many new chats from one address."""


class AccountNeedsMatch(Exception):
    """The typed address of a visitor who did not log in belongs to an account: the agent must
    say they checked who the visitor is before the ticket is filed there."""

    def __init__(self, account):
        self.account = account
        super().__init__("the address belongs to an account")


def department_group(department_id: int) -> str:
    return f"chat.department.{department_id}"


def session_group(session_key: str) -> str:
    """The sockets opened with one log-in session; named by a digest, so the channel layer's
    keys never hold a session key."""
    digest = hashlib.sha256(f"chat-session:{session_key}".encode()).hexdigest()[:40]
    return f"chat.session.{digest}"


def close_session_sockets(session_key: str | None) -> None:
    """Close the consoles opened with this session (it is being logged out)."""
    if not session_key:
        return
    try:
        async_to_sync(get_channel_layer().group_send)(
            session_group(session_key), {"type": "session.ended"}
        )
    except Exception:
        logger.exception("chat: could not close the sockets of a session")


def announce(group: str, event: dict) -> None:
    """Tell a group after the transaction commits; a missing channel layer is logged only."""

    # The consumers' handler is "chat.event"; what happened travels as "event".
    message = {**event, "type": "chat.event", "event": event.get("event", event.get("type"))}

    def send():
        try:
            async_to_sync(get_channel_layer().group_send)(group, message)
        except Exception:
            logger.exception("chat: could not announce to %s", group)

    transaction.on_commit(send)


def clean_text(text: str) -> str:
    """Chat text is plain: control characters out, length capped; templates escape it."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return kept.strip()[:MAX_MESSAGE_LENGTH]


def agents_online(department_id: int) -> bool:
    return AgentPresence.objects.filter(
        status=AgentPresence.Status.ONLINE,
        user__is_active=True,
        user__department_memberships__department_id=department_id,
    ).exists()


@transaction.atomic
def start_chat(
    *, name: str, email: str, department: Department, visitor=None, ip: str, language: str = ""
) -> ChatSession:
    """A visitor asks for an agent of a department; no account needed (S0). `language` is the
    page's: the chat's mail is written in it.

    A visitor who is logged in chats as their account's address, whatever `email` says; any
    other address is only typed, and the agent sees it marked so.
    """
    limit = settings.CHATS_PER_ADDRESS_PER_HOUR
    if ratelimit.hit("chat-start", ip, window=3600) > limit:
        raise TooManyChats
    if visitor is not None and not visitor.is_authenticated:
        visitor = None
    session = ChatSession.objects.create(
        visitor_name=" ".join(name.split())[:150],
        visitor_email=visitor.email if visitor is not None else normalize_email(email),
        department=department,
        visitor=visitor,
        language=language,
    )
    announce(department_group(department.id), {"event": "waiting", "chat": session.id})
    hooks.emit("chat.started", session=session)
    return session


def _next_sequence(session: ChatSession) -> int:
    last = session.messages.aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


@transaction.atomic
def post_message(*, session: ChatSession, text: str, agent: User | None = None) -> ChatMessage:
    """A line from the visitor (agent=None) or from the chat's agent."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if session.status == ChatSession.Status.ENDED:
        raise ChatNotAllowed("the chat has ended")
    if agent is not None and session.agent_id != agent.id:  # an administrator joins, not speaks
        raise ChatNotAllowed("not this agent's chat")
    text = clean_text(text)
    if not text:
        raise ValueError("empty message")
    message = ChatMessage.objects.create(
        session=session,
        sequence=_next_sequence(session),
        kind=ChatMessage.Kind.AGENT if agent else ChatMessage.Kind.VISITOR,
        author=agent or session.visitor,
        author_name=agent.full_name if agent else session.visitor_name,
        body_text=text,
    )
    announce(session.group, message.as_event())
    return message


def _system_line(session: ChatSession, text: str) -> ChatMessage:
    message = ChatMessage.objects.create(
        session=session,
        sequence=_next_sequence(session),
        kind=ChatMessage.Kind.SYSTEM,
        author_name="",
        body_text=text,
    )
    announce(session.group, message.as_event())
    return message


@transaction.atomic
def accept_chat(*, session: ChatSession, agent: User) -> ChatSession:
    """An agent of the department takes a waiting chat. Locked: one agent wins."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if not permissions.may_accept(agent, session):
        raise ChatNotAllowed("not this agent's department")
    if session.agent_id is not None and session.agent_id != agent.id:
        raise ChatTaken(session.agent)
    if session.status == ChatSession.Status.ENDED:
        raise ChatNotAllowed("the chat has ended")
    if session.agent_id == agent.id:
        return session
    session.agent = agent
    session.status = ChatSession.Status.ACTIVE
    session.accepted_at = timezone.now()
    session.save(update_fields=["agent", "status", "accepted_at"])
    _system_line(session, agent.full_name)
    announce(session.group, {"event": "accepted", "chat": session.id, "agent": agent.full_name})
    announce(department_group(session.department_id), {"event": "taken", "chat": session.id})
    return session


@transaction.atomic
def transfer_chat(
    *, session: ChatSession, agent: User, to_agent: User | None = None, to_department=None
):
    """Hand the chat to another agent, or back to a department's waiting list."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if not permissions.holds(agent, session):
        raise ChatNotAllowed("not this agent's chat")
    if session.status == ChatSession.Status.ENDED:
        raise ChatNotAllowed("the chat has ended")
    department = to_department or session.department
    if to_agent is not None and not permissions.may_take_transfer(to_agent, department.id):
        raise ChatNotAllowed("that agent is not in the department")
    session.department = department
    session.agent = to_agent
    session.status = ChatSession.Status.ACTIVE if to_agent else ChatSession.Status.WAITING
    session.save(update_fields=["department", "agent", "status"])
    announce(session.group, {"event": "transferred", "chat": session.id})
    announce(department_group(department.id), {"event": "waiting", "chat": session.id})
    return session


@transaction.atomic
def end_chat(*, session: ChatSession, agent: User | None = None) -> ChatSession:
    """The visitor leaves ("Sair", S0) or the agent ends the chat."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if agent is not None and not permissions.holds(agent, session):
        raise ChatNotAllowed("not this agent's chat")
    if session.status != ChatSession.Status.ENDED:
        session.status = ChatSession.Status.ENDED
        session.ended_at = timezone.now()
        session.save(update_fields=["status", "ended_at"])
        announce(session.group, {"event": "ended", "chat": session.id})
        announce(department_group(session.department_id), {"event": "taken", "chat": session.id})
        hooks.emit("chat.ended", session=session)
    return session


@transaction.atomic
def rate_chat(*, session: ChatSession, score: int, comment: str = "") -> ChatSession:
    """The visitor rates the answer, 1 to 5, once the chat has ended (S0)."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if session.status != ChatSession.Status.ENDED or session.rating is not None:
        raise ChatNotAllowed("only an ended, unrated chat is rated")
    if not 1 <= score <= 5:
        raise ValueError("a rating is 1 to 5")
    session.rating = score
    session.rating_comment = comment.strip()[:2000]
    session.save(update_fields=["rating", "rating_comment"])
    return session


@transaction.atomic
def set_presence(*, agent: User, status: str) -> AgentPresence:
    if not agent.is_agent:
        raise ChatNotAllowed("only agents take chats")
    presence, _ = AgentPresence.objects.update_or_create(
        user=agent, defaults={"status": status, "updated_at": timezone.now()}
    )
    return presence


def queue_position(session: ChatSession) -> int:
    """1 when the visitor is next in their department's line."""
    earlier = Q(created_at__lt=session.created_at) | Q(
        created_at=session.created_at, id__lte=session.id
    )
    return ChatSession.objects.filter(
        earlier, department_id=session.department_id, status=ChatSession.Status.WAITING
    ).count()


def transcript_html(session: ChatSession) -> str:
    """The conversation as a ticket's first message: who said what, the system's lines left out."""
    return render_to_string("chat/_transcript.html", {"messages": session.messages.all()})


CONFIRM_SALT = "chat.confirm-address"
CONFIRM_MAX_AGE = 48 * 3600


def confirmation_code(session: ChatSession) -> str:
    """What the link mailed to a typed address carries: this chat and this address, signed."""
    return signing.dumps(
        {"chat": str(session.token), "email": session.visitor_email}, salt=CONFIRM_SALT
    )


def chat_for_confirmation(code: str) -> ChatSession | None:
    """The chat whose typed address the link confirms (None: forged, expired or changed)."""
    try:
        value = signing.loads(code, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    session = ChatSession.objects.filter(token=str(value.get("chat"))).first()
    if session is None or session.visitor_email != value.get("email"):
        return None
    return session


@transaction.atomic
def email_transcript(*, session: ChatSession) -> bool:
    """Send the visitor the conversation (S0): to their account's address when they logged in,
    to a typed address once they confirmed it. Otherwise a link to confirm it is mailed there
    (once a chat; it holds nothing of the conversation) and False is returned."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if session.transcript_sent_at is not None:
        return True
    if not session.is_email_verified:
        _ask_to_confirm(session)
        return False
    language = session.language or (session.visitor.mail_language if session.visitor else "")
    queue_email(
        to=session.visitor.email if session.visitor else session.visitor_email,
        template="chat/transcript",
        context={"session": session, "messages": list(session.messages.all())},
        language=language,
        user=session.visitor,
    )
    session.transcript_sent_at = timezone.now()
    session.save(update_fields=["transcript_sent_at"])
    return True


def _ask_to_confirm(session: ChatSession) -> None:
    # Once a chat: the form cannot be used to mail an address again and again.
    if session.confirmation_sent_at is not None:
        return
    link = settings.SITE_URL + reverse("chat:confirm", args=[confirmation_code(session)])
    queue_email(
        to=session.visitor_email,
        template="chat/confirm_address",
        context={"link": link, "valid_hours": CONFIRM_MAX_AGE // 3600},
        language=session.language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    session.confirmation_sent_at = timezone.now()
    session.save(update_fields=["confirmation_sent_at"])


@transaction.atomic
def confirm_visitor_email(*, session: ChatSession) -> ChatSession:
    """The visitor followed the link mailed to the address they typed: it is theirs, and the
    conversation they asked for is sent to it."""
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if session.email_confirmed_at is None:
        session.email_confirmed_at = timezone.now()
        session.save(update_fields=["email_confirmed_at"])
    email_transcript(session=session)
    return session


@transaction.atomic
def chat_to_ticket(*, session: ChatSession, agent: User, match_account: bool = False):
    """Turn a conversation into a ticket whose first message is the transcript.

    The requester is the visitor's account when they logged in or confirmed their address.
    A typed address nobody has an account for becomes a guest, as on the guest form; a typed
    address of an existing account raises AccountNeedsMatch unless the agent says, with
    `match_account`, that they checked the visitor is that person.
    """
    session = ChatSession.objects.select_for_update().get(id=session.id)
    if not permissions.holds(agent, session):
        raise ChatNotAllowed("not this agent's chat")
    if session.ticket_id:
        return session.ticket
    requester = session.visitor
    if requester is None:
        requester, is_new = find_or_make_guest(
            full_name=session.visitor_name, email=session.visitor_email,
            language=session.language,
        )  # fmt: skip
        if not is_new and not session.is_email_verified and not match_account:
            raise AccountNeedsMatch(requester)
    first_line = session.messages.filter(kind=ChatMessage.Kind.VISITOR).values_list(
        "body_text", flat=True
    )
    title = (first_line.first() or session.visitor_name)[:120]
    ticket = open_ticket(
        actor=agent, requester=requester, department=session.department, title=title,
        body_html=transcript_html(session) or "<p>—</p>", channel=Ticket.Channel.CHAT,
    )  # fmt: skip
    session.ticket = ticket
    session.save(update_fields=["ticket"])
    return ticket
