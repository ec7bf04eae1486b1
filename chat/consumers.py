"""Websockets of the live chat: one for the visitor's conversation, one for the agent console.

Every message is stored through `chat.services` before it is announced, so the socket only
carries news; a client that reconnects sends the last number it saw and gets the rest.

The console's socket outlives the page that opened it, so it asks again who is behind it at
every frame either way: the session read afresh from its store (logged out, expired, password
changed: nobody), the person read afresh (deactivated, no longer an agent, moved out of a
department). Logging out also closes the session's sockets at once (`chat.signals`).
"""

import json
import time
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.http import Http404

from core import ratelimit

from . import permissions, selectors, services

# A chat line is at most 4,000 characters; escaped as JSON (\uXXXX) it stays under this.
MAX_FRAME_CHARS = 32 * 1024
MAX_SEQUENCE = 2**31 - 1
CLOSE_NOT_ALLOWED = 4403
# News pushed to a console asks again at most this often (every frame the agent sends asks):
# asking at each of a busy chat's lines cost about 8 ms of a line's delay in the 200-chat test.
EVENT_RECHECK_SECONDS = 2.0


def _too_fast(key: str) -> bool:
    return ratelimit.hit("chat-message", key, window=1) > settings.CHAT_MESSAGES_PER_SECOND


def _sequence(value) -> int:
    """A message number sent by a client: anything that is not one counts as 0."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError, OverflowError):
        return 0
    return min(max(number, 0), MAX_SEQUENCE)


def _person_now(session_key: str | None):
    """Who the session `session_key` signs in now, read from the store rather than the copy the
    socket took when it connected; with their departments read too (a gate asks them next)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    if permissions.may_use_console(user):
        user.department_ids  # noqa: B018 - read here, in a thread allowed to query
    return user


class JsonObjectFrames(AsyncJsonWebsocketConsumer):
    """Frames are JSON objects; anything else (not JSON, a list, a number, binary, too long)
    is answered with an error frame and the socket stays open."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.send_json({"type": "error", "error": "bad_frame"})
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error": "bad_frame"})
            return
        await self.receive_json(content, **kwargs)


class VisitorConsumer(JsonObjectFrames):
    async def connect(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        self.session = await database_sync_to_async(selectors.chat_for_token)(token)
        if self.session is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.session.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "state", "status": self.session.status})

    async def disconnect(self, code):
        if getattr(self, "session", None) is not None:
            await self.channel_layer.group_discard(self.session.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "resume":
            await self._replay(_sequence(content.get("after")))
        elif kind == "message":
            await self._say(str(content.get("text", "")))
        elif kind == "typing":
            await self.channel_layer.group_send(
                self.session.group, {"type": "chat.event", "event": "typing", "who": "visitor"}
            )
        elif kind == "leave":
            await database_sync_to_async(services.end_chat)(session=self.session)

    async def _replay(self, after: int):
        for event in await database_sync_to_async(selectors.messages_after)(self.session.id, after):
            await self.send_json(event)

    async def _say(self, text):
        if await database_sync_to_async(_too_fast)(f"visitor-{self.session.id}"):
            await self.send_json({"type": "error", "error": "too_fast"})
            return
        try:
            await database_sync_to_async(services.post_message)(session=self.session, text=text)
        except (services.ChatNotAllowed, ValueError) as refused:
            await self.send_json({"type": "error", "error": str(refused)})

    async def chat_event(self, event):
        if event.get("event") == "typing" and event.get("who") == "visitor":
            return  # one's own typing is no news
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send_json({"type": payload.pop("event", "message"), **payload})


class AgentConsumer(JsonObjectFrames):
    """The console: waiting chats of the agent's departments, and the chats they hold."""

    async def connect(self):
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or session is None or not permissions.may_use_console(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.user = user
        self.session_key = session.session_key
        self.department_ids = await database_sync_to_async(lambda: user.department_ids)()
        self.chats = set()
        self.checked_at = time.monotonic()
        await self.channel_layer.group_add(
            services.session_group(self.session_key), self.channel_name
        )
        for department_id in self.department_ids:
            await self.channel_layer.group_add(
                services.department_group(department_id), self.channel_name
            )
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "session_key", None):
            await self.channel_layer.group_discard(
                services.session_group(self.session_key), self.channel_name
            )
        for department_id in getattr(self, "department_ids", ()):
            await self.channel_layer.group_discard(
                services.department_group(department_id), self.channel_name
            )
        for chat_id in getattr(self, "chats", ()):
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)

    async def _still_allowed(self) -> bool:
        """Ask the session and the person again; close with 4403 when they no longer qualify,
        and follow a change of departments and of the chats they may see."""
        self.checked_at = time.monotonic()
        user = await database_sync_to_async(_person_now)(self.session_key)
        if not permissions.may_use_console(user) or user.id != self.user.id:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return False
        self.user = user
        for department_id in self.department_ids - user.department_ids:
            await self.channel_layer.group_discard(
                services.department_group(department_id), self.channel_name
            )
        for department_id in user.department_ids - self.department_ids:
            await self.channel_layer.group_add(
                services.department_group(department_id), self.channel_name
            )
        self.department_ids = user.department_ids
        visible = await database_sync_to_async(selectors.visible_chat_ids)(user, self.chats)
        for chat_id in self.chats - visible:
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)
        self.chats &= visible
        return True

    async def receive_json(self, content, **kwargs):
        if not await self._still_allowed():
            return
        kind = content.get("type")
        session = await self._session(content.get("chat"))
        if session is None:
            await self.send_json({"type": "error", "error": "no such chat"})
            return
        try:
            if kind == "accept":
                await database_sync_to_async(services.accept_chat)(session=session, agent=self.user)
                await self._follow(session, _sequence(content.get("after")))
            elif kind == "join":
                await self._follow(session, _sequence(content.get("after")))
            elif kind == "message":
                if await database_sync_to_async(_too_fast)(f"agent-{self.user.id}"):
                    await self.send_json({"type": "error", "error": "too_fast"})
                    return
                await database_sync_to_async(services.post_message)(
                    session=session, text=str(content.get("text", "")), agent=self.user
                )
            elif kind == "typing":
                if not permissions.may_type(self.user, session):
                    raise services.ChatNotAllowed("not this agent's chat")
                await self.channel_layer.group_send(
                    session.group,
                    {"type": "chat.event", "event": "typing", "who": "agent", "chat": session.id},
                )
            elif kind == "end":
                await database_sync_to_async(services.end_chat)(session=session, agent=self.user)
            else:
                raise ValueError("unknown type")
        except services.ChatTaken as taken:
            await self.send_json(
                {"type": "taken", "chat": session.id, "agent": taken.agent.full_name}
            )
        except (services.ChatNotAllowed, ValueError) as refused:
            await self.send_json({"type": "error", "chat": session.id, "error": str(refused)})

    async def _session(self, chat_id):
        """The chat through the gate, as it is now (None: not one this agent may see)."""
        try:
            return await database_sync_to_async(permissions.get_chat_for)(self.user, chat_id)
        except Http404:
            return None

    async def _follow(self, session, after: int):
        if session.agent_id not in (None, self.user.id) and not self.user.is_administrator:
            session = await self._session(session.id)  # read again: who holds it now?
            if session is None:
                raise services.ChatNotAllowed("no such chat")
            if session.agent_id != self.user.id:
                raise services.ChatTaken(session.agent)
        self.chats.add(session.id)
        await self.channel_layer.group_add(session.group, self.channel_name)
        missed = await database_sync_to_async(selectors.messages_after)(session.id, after)
        for event in missed:
            await self.send_json({**event, "chat": session.id})

    async def session_ended(self, event):
        """The person logged out of the session this socket was opened with."""
        await self.close(code=CLOSE_NOT_ALLOWED)

    async def chat_event(self, event):
        if event.get("event") == "typing" and event.get("who") == "agent":
            return
        recently = time.monotonic() - self.checked_at < EVENT_RECHECK_SECONDS
        if not recently and not await self._still_allowed():
            return
        chat_id = event.get("chat")
        if event.get("event") in ("accepted", "transferred") and chat_id in self.chats:
            # Left before the console hears of it: nothing said after the handover reaches it.
            await self._leave_unless_mine(chat_id)
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send_json({"type": payload.pop("event", "message"), **payload})

    async def _leave_unless_mine(self, chat_id):
        """A chat taken by, or handed to, someone else is no longer this console's to hear."""
        agent_id = await database_sync_to_async(selectors.agent_of)(chat_id)
        if agent_id != self.user.id:
            self.chats.discard(chat_id)
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)
