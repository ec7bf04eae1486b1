"""Websockets of the live chat: one for the visitor's conversation, one for the agent console.

Every message is stored through `chat.services` before it is announced, so the socket only
carries news; a client that reconnects sends the last number it saw and gets the rest.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http import Http404

from core import ratelimit

from . import permissions, selectors, services


def _too_fast(key: str) -> bool:
    return ratelimit.hit("chat-message", key, window=1) > settings.CHAT_MESSAGES_PER_SECOND


class VisitorConsumer(AsyncJsonWebsocketConsumer):
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
            await self._replay(content.get("after", 0))
        elif kind == "message":
            await self._say(str(content.get("text", "")))
        elif kind == "typing":
            await self.channel_layer.group_send(
                self.session.group, {"type": "chat.event", "event": "typing", "who": "visitor"}
            )
        elif kind == "leave":
            await database_sync_to_async(services.end_chat)(session=self.session)

    async def _replay(self, after):
        try:
            after = int(after)
        except (TypeError, ValueError):
            after = 0
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


class AgentConsumer(AsyncJsonWebsocketConsumer):
    """The console: waiting chats of the agent's departments, and the chats they hold."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_agent:
            await self.close(code=4403)
            return
        self.user = user
        self.department_ids = await database_sync_to_async(lambda: user.department_ids)()
        self.chats = set()
        for department_id in self.department_ids:
            await self.channel_layer.group_add(
                services.department_group(department_id), self.channel_name
            )
        await self.accept()

    async def disconnect(self, code):
        for department_id in getattr(self, "department_ids", ()):
            await self.channel_layer.group_discard(
                services.department_group(department_id), self.channel_name
            )
        for chat_id in getattr(self, "chats", ()):
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        session = await self._session(content.get("chat"))
        if session is None:
            await self.send_json({"type": "error", "error": "no such chat"})
            return
        try:
            if kind == "accept":
                await database_sync_to_async(services.accept_chat)(session=session, agent=self.user)
                await self._follow(session, content.get("after", 0))
            elif kind == "join":
                await self._follow(session, content.get("after", 0))
            elif kind == "message":
                if await database_sync_to_async(_too_fast)(f"agent-{self.user.id}"):
                    await self.send_json({"type": "error", "error": "too_fast"})
                    return
                await database_sync_to_async(services.post_message)(
                    session=session, text=str(content.get("text", "")), agent=self.user
                )
            elif kind == "typing":
                await self.channel_layer.group_send(
                    session.group,
                    {"type": "chat.event", "event": "typing", "who": "agent", "chat": session.id},
                )
            elif kind == "end":
                await database_sync_to_async(services.end_chat)(session=session, agent=self.user)
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

    async def _follow(self, session, after):
        if session.agent_id not in (None, self.user.id) and not self.user.is_administrator:
            session = await self._session(session.id)  # read again: who holds it now?
            if session is None:
                raise services.ChatNotAllowed("no such chat")
            if session.agent_id != self.user.id:
                raise services.ChatTaken(session.agent)
        self.chats.add(session.id)
        await self.channel_layer.group_add(session.group, self.channel_name)
        missed = await database_sync_to_async(selectors.messages_after)(session.id, int(after or 0))
        for event in missed:
            await self.send_json({**event, "chat": session.id})

    async def chat_event(self, event):
        if event.get("event") == "typing" and event.get("who") == "agent":
            return
        if event.get("event") in ("accepted", "transferred") and event.get("chat") in self.chats:
            # Left before the console hears of it: nothing said after the handover reaches it.
            await self._leave_unless_mine(event["chat"])
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send_json({"type": payload.pop("event", "message"), **payload})

    async def _leave_unless_mine(self, chat_id):
        """A chat taken by, or handed to, someone else is no longer this console's to hear."""
        agent_id = await database_sync_to_async(selectors.agent_of)(chat_id)
        if agent_id != self.user.id:
            self.chats.discard(chat_id)
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)
