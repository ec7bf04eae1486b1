"""The live socket of every agent page: queue counts, the queue being read, the bell, and who
else is on the ticket being read (viewing, typing a reply or a note).

The socket joins a group for its agent, one for each of their departments (administrators:
one for everything), the log-in session's group (logging out closes it with 4403, as the chat
console's) and, on a ticket's page, the ticket's group. News of changed tickets names ids
only; before telling the browser anything the socket asks the tickets gate, as this agent,
which of them it may see (a ticket sent elsewhere just drops out), and it waits a moment so a
burst of changes costs one round of queries. It asks again who is behind the session at
every frame the browser sends and at most every 2 s on news.
"""

import asyncio
import secrets
import time
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.http import Http404

from chat.services import session_group
from tickets.permissions import get_ticket_for, works_on

from . import permissions, selectors, services

CLOSE_NOT_ALLOWED = 4403
MAX_FRAME_CHARS = 4096
RECHECK_SECONDS = 2.0
# Changes that arrive within this are told in one message, after one round of queries.
GATHER_SECONDS = 0.15
TYPING_EVERY_SECONDS = 1.5
TYPING_KINDS = ("reply", "note")


def person_now(session_key: str | None):
    """Who the session signs in now, read from its store, with their departments read."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    if permissions.may_go_live(user):
        user.department_ids  # noqa: B018 - read here, in a thread allowed to query
    return user


def _number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number < 2**63 else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user, session = self.scope.get("user"), self.scope.get("session")
        if session is None or not permissions.may_go_live(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.user, self.session_key = user, session.session_key
        self.groups_joined: set[str] = set()
        self.queue = None
        self.counts = False
        self.ticket = None
        self.works = False
        self.presence_id = secrets.token_hex(6)
        self.pending, self.opened, self.bell_due = set(), set(), False
        self.gathering = None
        self.typed_at = 0.0
        self.checked_at = time.monotonic()
        alerts = await database_sync_to_async(self._hello)()
        await self._follow_groups(self._standing_groups())
        await self.accept()
        await self.send_json({"type": "hello", "alerts": alerts})

    def _hello(self) -> bool:
        self.user.department_ids  # noqa: B018 - read in a thread allowed to query
        return selectors.wants_new_ticket_alerts(self.user)

    def _standing_groups(self) -> set[str]:
        groups = {services.agent_group(self.user.id), session_group(self.session_key)}
        if self.user.is_administrator:
            groups.add(services.EVERYTHING)
        groups |= {services.department_group(d) for d in self.user.department_ids}
        if self.ticket is not None:
            groups.add(services.ticket_group(self.ticket.id))
        return groups

    async def _follow_groups(self, wanted: set[str]) -> None:
        for group in self.groups_joined - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in wanted - self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = wanted

    async def disconnect(self, code):
        if getattr(self, "gathering", None) is not None:
            self.gathering.cancel()
        if getattr(self, "ticket", None) is not None:
            await self._presence("left")
        if hasattr(self, "groups_joined"):
            await self._follow_groups(set())

    async def _still_allowed(self) -> bool:
        """Ask the session and the person again; 4403 when they no longer qualify."""
        self.checked_at = time.monotonic()
        user = await database_sync_to_async(person_now)(self.session_key)
        if not permissions.may_go_live(user) or user.id != self.user.id:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return False
        self.user = user
        await self._follow_groups(self._standing_groups())
        return True

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.send_json({"type": "error", "error": "bad_frame"})
            return
        await super().receive(text_data=text_data, **kwargs)

    async def decode_json(self, text_data):
        try:
            content = await super().decode_json(text_data)
        except (ValueError, RecursionError):
            content = None
        return content if isinstance(content, dict) else {}

    async def receive_json(self, content, **kwargs):
        if not await self._still_allowed():
            return
        kind = content.get("type")
        if kind == "watch":
            await self._watch(content)
        elif kind == "typing" and content.get("what") in TYPING_KINDS and self.ticket:
            if time.monotonic() - self.typed_at >= TYPING_EVERY_SECONDS:
                self.typed_at = time.monotonic()
                await self._presence("typing", what=content["what"])
        else:
            await self.send_json({"type": "error", "error": "bad_frame"})

    async def _watch(self, content):
        """The page says what it shows: a queue (with its counts) and/or a ticket."""
        queue = content.get("queue")
        self.queue = queue if isinstance(queue, str) and len(queue) < 40 else None
        self.counts = bool(content.get("counts"))
        number = _number(content.get("ticket"))
        if number is None:
            return
        try:
            ticket = await database_sync_to_async(get_ticket_for)(self.user, number)
        except Http404:
            await self.send_json({"type": "error", "error": "no_such_ticket"})
            return
        if self.ticket is not None and self.ticket.id != ticket.id:
            await self._presence("left")
        self.ticket, self.works = ticket, works_on(self.user, ticket)
        await self._follow_groups(self._standing_groups())
        await self._presence("join")

    async def _presence(self, event: str, *, what: str = "", to: str | None = None):
        message = {"type": "live.presence", "event": event, "who": self.user.id,
                   "name": self.user.full_name, "id": self.presence_id, "what": what,
                   "channel": self.channel_name, "ticket": self.ticket.id}  # fmt: skip
        if to is not None:
            await self.channel_layer.send(to, message)
        else:
            await self.channel_layer.group_send(services.ticket_group(self.ticket.id), message)

    async def live_presence(self, event):
        mine = event["channel"] == self.channel_name
        if mine or self.ticket is None or event["ticket"] != self.ticket.id:
            return
        if event["event"] == "join":
            await self._presence("here", to=event["channel"])
        if event["event"] == "typing" and not permissions.hears_typing(
            self.user, self.ticket, event["what"]
        ):
            return
        if event["who"] == self.user.id:
            return  # another tab of the same agent is nobody else
        await self.send_json(
            {"type": "presence", "event": "here" if event["event"] == "join" else event["event"],
             "id": event["id"], "name": event["name"], "what": event["what"]}
        )  # fmt: skip

    async def live_tickets(self, event):
        self.pending.update(event["tickets"])
        self.opened.update(event.get("opened", ()))
        self._gather()

    async def live_bell(self, event):
        self.bell_due = True
        self._gather()

    def _gather(self):
        if self.gathering is None:
            self.gathering = asyncio.ensure_future(self._tell_later())

    async def _tell_later(self):
        await asyncio.sleep(GATHER_SECONDS)
        self.gathering = None
        ids, opened, bell = self.pending, self.opened, self.bell_due
        self.pending, self.opened, self.bell_due = set(), set(), False
        recently = time.monotonic() - self.checked_at < RECHECK_SECONDS
        if not recently and not await self._still_allowed():
            return
        news = await database_sync_to_async(self.news)(ids, opened, bell)
        if news.pop("gone", False):
            await self._presence("left")
            self.ticket = None
            await self._follow_groups(self._standing_groups())
        await self.send_json(news)

    def news(self, ids: set[int], opened: set[int], bell: bool) -> dict:
        """What this agent is told of the changed tickets `ids` (through the gate)."""
        news: dict = {"type": "news"}
        rows = selectors.changed_tickets(self.user, ids, queue=self.queue) if ids else []
        departments = self.user.department_ids
        news["tickets"] = [
            {"number": row["number"], "in_queue": row["in_queue"],
             "new": row["id"] in opened and row["department_id"] in departments}
            for row in rows
        ]  # fmt: skip
        if self.ticket is not None and self.ticket.id in ids:
            seen = any(row["id"] == self.ticket.id for row in rows)
            news["viewed_changed" if seen else "gone"] = True
        if self.counts and ids:
            news["counts"] = selectors.counts(self.user)
        if bell:
            news["bell"] = selectors.unread_count(self.user)
        return news

    async def session_ended(self, event):
        """The person logged out of the session this socket was opened with."""
        await self.close(code=CLOSE_NOT_ALLOWED)
