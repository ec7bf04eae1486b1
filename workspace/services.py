"""Every write of the workspace, and the news it pushes to the agents' sockets.

The ticket services tell `core.live` which tickets changed (with their department and agent
before the change); after commit `publish_tickets()` reads where each is now and sends one
message to each group that may care: the departments before and after, the agents before
and after, the requester and the opener (agents of internal tickets), the administrators,
and the ticket's own page. The sockets then ask the gate, per agent, what they may be told
(`workspace.consumers`). A channel layer that is away loses the news, never the change.
"""

import asyncio
import logging
import threading
from collections.abc import Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import User
from core.sanitize import clean_html
from tickets.models import CannedReply, Ticket
from tickets.services import NotAllowed

from . import permissions
from .models import LivePreference

logger = logging.getLogger(__name__)

EVERYTHING = "live.everything"


def department_group(department_id: int) -> str:
    return f"live.department.{department_id}"


def agent_group(user_id: int) -> str:
    return f"live.agent.{user_id}"


def ticket_group(ticket_id: int) -> str:
    return f"live.ticket.{ticket_id}"


def groups_of(ticket: Mapping, before: dict) -> set[str]:
    """The groups told of a change to `ticket` (its row now, as values) given `before`."""
    groups = {EVERYTHING, ticket_group(ticket["id"])}
    for department_id in (ticket["department_id"], before.get("department")):
        if department_id:
            groups.add(department_group(department_id))
    for user_id in (ticket["assignee_id"], before.get("agent"), ticket["requester_id"],
                    ticket["submitter_id"]):  # fmt: skip
        if user_id:
            groups.add(agent_group(user_id))
    return groups


def publish_tickets(changes: dict[int, dict]) -> int:
    """Tell the groups of each changed ticket (one query, one message a group); the sent."""
    rows = Ticket.objects.filter(id__in=changes).values(
        "id", "department_id", "assignee_id", "requester_id", "submitter_id"
    )
    messages: dict[str, dict] = {}
    for row in rows:
        before = changes[row["id"]]
        for group in groups_of(row, before):
            message = messages.setdefault(group, {"type": "live.tickets", "tickets": [],
                                                  "opened": []})  # fmt: skip
            message["tickets"].append(row["id"])
            if before.get("opened"):
                message["opened"].append(row["id"])
    for group, message in messages.items():
        send(group, message)
    return len(messages)


def publish_bell(changes: dict[int, dict]) -> int:
    """Ring the bells of these agents; the messages sent."""
    for user_id in changes:
        send(agent_group(user_id), {"type": "live.bell"})
    return len(changes)


def send(group: str, message: dict) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _send(group, message)
        return
    # Called from a thread that runs an event loop (an async caller that did not go through
    # sync_to_async): async_to_sync refuses to block it, so the message goes from a thread.
    thread = threading.Thread(target=_send, args=(group, message))
    thread.start()
    thread.join()


def _send(group: str, message: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        logger.exception("live: could not tell %s", group)


@transaction.atomic
def set_new_ticket_alerts(*, actor: User, enabled: bool) -> LivePreference:
    """Turn the agent's own sound and desktop alerts for new tickets on or off."""
    preference, _ = LivePreference.objects.select_for_update().get_or_create(user=actor)
    if preference.new_ticket_alerts != enabled:
        preference.new_ticket_alerts = enabled
        preference.save(update_fields=["new_ticket_alerts", "updated_at"])
        logger.info("live: agent %s turned new-ticket alerts %s", actor.id, enabled)
    return preference


@transaction.atomic
def save_canned_reply(
    *, actor: User, title: str, body_html: str, department=None, reply: CannedReply | None = None
) -> CannedReply:
    """A new canned reply of `actor` (`reply` None), or `reply` changed by one who may
    (`may_change_canned_reply`). With a `department` (one of the actor's, or the one it is
    already shared with) it is offered to that department's agents; without, to its owner only
    (or, for the administrators' replies with no owner, to every department)."""
    if reply is None:
        if not actor.is_agent or not actor.is_active:
            raise NotAllowed
        reply = CannedReply(owner=actor)
    elif not permissions.may_change_canned_reply(actor, reply):
        raise NotAllowed
    if department is not None and not (
        actor.is_administrator
        or department.id in actor.department_ids
        or department.id == reply.department_id
    ):
        raise NotAllowed
    reply.title = title.strip()
    reply.body_html = clean_html(body_html)
    reply.department = department
    reply.save()
    return reply


@transaction.atomic
def delete_canned_reply(*, actor: User, reply: CannedReply) -> None:
    if not permissions.may_change_canned_reply(actor, reply):
        raise NotAllowed
    reply.delete()
