"""Webhooks: a row for each event an endpoint wants, written with the change; a worker sends it.

Recording (`ticket_entry`, `chat_started`, `chat_ended`) is called by core.hooks inside the
transaction of the change, so a delivery commits or rolls back with it and a broker outage
loses nothing (the beat sweep sends what the task never got to). Sending (`deliver_endpoint`)
takes one endpoint at a time, oldest delivery first, and stops at the first that fails: a
receiver gets a ticket's events in the order they happened, each once it answered 2xx. Each
request is signed: `X-Helpdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`.
"""

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.emails import administrator_addresses
from core import kept
from core.queue import enqueue_on_commit
from mail.outbox import queue_email
from tickets.models import TicketEntry

from . import transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

EVENTS = {
    "ticket.created": _("A ticket is opened"),
    "ticket.updated": _("A ticket's status, assignee, department or priority changes"),
    "ticket.entry_created": _("A reply or message is added (internal notes if chosen)"),
    "ticket.rated": _("A customer rates a ticket"),
    "ticket.merged": _("Tickets are merged into another"),
    "chat.started": _("A visitor starts a chat"),
    "chat.ended": _("A chat ends"),
}
DELIVER_TASK = "api.tasks.deliver_webhooks"
LEASE = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=1)
UPDATES = {
    TicketEntry.Kind.STATUS: "status",
    TicketEntry.Kind.PRIORITY: "priority",
    TicketEntry.Kind.ASSIGNMENT: "assignee",
    TicketEntry.Kind.TRANSFER: "department",
}
# Fields of an edit that a ticket.updated tells about (other edits are the thread's business).
EDITED = ("priority", "department", "assignee", "status")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Helpdesk-Signature` header's value for `body` sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def _wanting(event: str, *, note: bool = False) -> list[WebhookEndpoint]:
    found = [e for e in kept.rows(WebhookEndpoint) if e.wants(event)]
    return [e for e in found if e.include_notes] if note else found


def _record(event: str, endpoints: list[WebhookEndpoint], data: dict) -> None:
    now = timezone.now()
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        payload = {"id": str(delivery_id), "event": event, "created_at": now.isoformat(), **data}
        WebhookDelivery.objects.create(
            uuid=delivery_id, endpoint_id=endpoint.id, event=event, payload=payload,
            created_at=now, next_attempt_at=now,
        )  # fmt: skip
        enqueue_on_commit(DELIVER_TASK, endpoint.id)


def _event_of(entry: TicketEntry) -> str | None:
    kind = entry.kind
    if kind == TicketEntry.Kind.MESSAGE and entry.created_at == entry.ticket.created_at:
        return "ticket.created"  # open_ticket writes the first message at the opening's time
    if kind in (TicketEntry.Kind.MESSAGE, TicketEntry.Kind.REPLY, TicketEntry.Kind.NOTE):
        return "ticket.entry_created"
    if kind == TicketEntry.Kind.RATING:
        return "ticket.rated"
    if kind == TicketEntry.Kind.EDIT and _merge_record(entry):
        return "ticket.merged"
    if kind in UPDATES or (kind == TicketEntry.Kind.EDIT and set(entry.data) & set(EDITED)):
        return "ticket.updated"
    return None


def _merge_record(entry: TicketEntry) -> dict | None:
    # workspace.merge writes it on the surviving ticket (the sources' entries name no move).
    merge = (entry.data or {}).get("merge")
    return merge if merge and "moved" in merge else None


def ticket_entry(*, entry: TicketEntry) -> None:
    """core.hooks handler: the deliveries an entry of a ticket's history causes."""
    event = _event_of(entry)
    if event is None:
        return
    endpoints = _wanting(event, note=entry.kind == TicketEntry.Kind.NOTE)
    if not endpoints:
        return
    data = {"ticket": ticket_data(entry.ticket)}
    if event == "ticket.updated":
        data["changes"] = _changes(entry)
    elif event == "ticket.rated":
        data["rating"] = {"score": entry.data.get("score"), "comment": entry.body_text}
    elif event == "ticket.merged":
        merged = _merge_record(entry)
        data["merged"] = {"numbers": merged["sources"], "by": _person(entry.author)}
    else:
        data["entry"] = entry_data(entry)
    _record(event, endpoints, data)


def chat_started(*, session) -> None:
    _chat("chat.started", session)


def chat_ended(*, session) -> None:
    _chat("chat.ended", session)


def _chat(event: str, session) -> None:
    endpoints = _wanting(event)
    if endpoints:
        _record(event, endpoints, {"chat": chat_data(session)})


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.full_name, "email": user.email}


def _named(row) -> dict | None:
    return None if row is None else {"id": row.id, "name": row.name}


def ticket_data(ticket) -> dict:
    number = ticket.number
    return {
        "number": number,
        "title": ticket.title,
        "status": ticket.status,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "department": _named(ticket.department),
        "category": _named(ticket.category),
        "priority": _named(ticket.priority),
        "assignee": _person(ticket.assignee),
        "requester": _person(ticket.requester),
        "organization_id": ticket.organization_id,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        "url": settings.SITE_URL + reverse("agent:ticket", args=[number]),
        "api_url": settings.SITE_URL + reverse("api:ticket", args=[number]),
    }


def entry_data(entry: TicketEntry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "public": entry.is_public,
        "author": _person(entry.author),
        "body_text": entry.body_text,
        "body_html": entry.body_html,
        "created_at": entry.created_at.isoformat(),
    }


def _changes(entry: TicketEntry) -> dict:
    data = entry.data
    if entry.kind == TicketEntry.Kind.EDIT:
        return {
            field: {"from": data[field][0], "to": data[field][1]}
            for field in EDITED
            if field in data
        }
    field = UPDATES[entry.kind]
    return {field: {"from": data.get("from"), "to": data.get("to")}}


def chat_data(session) -> dict:
    return {
        "id": session.id,
        "status": session.status,
        "visitor_name": session.visitor_name,
        "visitor_email": session.visitor_email,
        "department": _named(session.department),
        "created_at": session.created_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
    }


# Sending.


def _take(endpoint_id: int) -> bool:
    """The endpoint for this sender until its lease ends: one sender keeps the order."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = WebhookEndpoint.objects.filter(free, id=endpoint_id, is_active=True,
                                           paused_at__isnull=True)  # fmt: skip
    return bool(taken.update(lease_until=now + LEASE))


def _release(endpoint_id: int) -> None:
    WebhookEndpoint.objects.filter(id=endpoint_id).update(lease_until=None)


def _next_due(endpoint_id: int) -> WebhookDelivery | None:
    oldest = (
        WebhookDelivery.objects.filter(
            endpoint_id=endpoint_id, status=WebhookDelivery.Status.PENDING
        )
        .select_related("endpoint")
        .order_by("id")
        .first()
    )
    if oldest is None or oldest.next_attempt_at > timezone.now():
        return None  # a later delivery waits for the one before it: the order holds
    return oldest


def deliver_endpoint(endpoint_id: int) -> int:
    """Send the endpoint's due deliveries in order until one fails; how many were delivered."""
    delivered = 0
    while _take(endpoint_id):
        try:
            while (delivery := _next_due(endpoint_id)) is not None:
                if not send(delivery):
                    return delivered
                delivered += 1
        finally:
            _release(endpoint_id)
        if _next_due(endpoint_id) is None:
            break  # else a delivery written while we sent found the lease taken: send it
    return delivered


def send(delivery: WebhookDelivery) -> bool:
    """One attempt at a delivery, recorded; True when the receiver answered 2xx."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Helpdesk-Webhooks/1",
        "X-Helpdesk-Event": delivery.event,
        "X-Helpdesk-Delivery": str(delivery.uuid),
        "X-Helpdesk-Signature": signature(endpoint.secret, timestamp, body),
    }
    attempt = WebhookAttempt(delivery=delivery, started_at=timezone.now())
    try:
        answer = transport.post(endpoint.url, body, headers, allow_private=endpoint.allow_private,
                                timeout=settings.WEBHOOK_TIMEOUT_SECONDS)  # fmt: skip
    except (OSError, http.client.HTTPException, transport.Refused) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:500]
    else:
        attempt.status_code = answer.status
        attempt.milliseconds = answer.milliseconds
        attempt.response_excerpt = answer.excerpt
    attempt.save()
    ok = attempt.status_code is not None and 200 <= attempt.status_code < 300
    (_delivered if ok else _failed)(delivery)
    return ok


def _delivered(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(id=delivery.id).update(
        status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now(),
        attempts=delivery.attempts + 1, failing_since=None,
    )  # fmt: skip


def retry_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed attempt a delivery is tried again."""
    first = timedelta(seconds=settings.WEBHOOK_FIRST_RETRY_SECONDS)
    return min(LONGEST_RETRY, first * 2 ** min(max(attempts - 1, 0), 12))


@transaction.atomic
def _failed(delivery: WebhookDelivery) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    failing_since = delivery.failing_since or now
    gives_up = now - failing_since >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    WebhookDelivery.objects.filter(id=delivery.id).update(
        status=WebhookDelivery.Status.FAILED if gives_up else WebhookDelivery.Status.PENDING,
        attempts=attempts, failing_since=failing_since, next_attempt_at=now + retry_delay(attempts),
    )  # fmt: skip
    if gives_up:
        pause(delivery.endpoint, failing_since=failing_since)


def pause(endpoint: WebhookEndpoint, *, failing_since) -> None:
    """An endpoint whose delivery failed for a day stops; its administrator is told by mail."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(id=endpoint.id)
    if endpoint.paused_at is not None:
        return
    endpoint.paused_at = timezone.now()
    endpoint.save(update_fields=["paused_at"])
    creator = endpoint.created_by
    if creator is not None and creator.is_active and creator.email:
        recipients = [(creator.email, creator.mail_language)]
    else:
        recipients = administrator_addresses()
    link = settings.SITE_URL + reverse("admin:api_webhookendpoint_change", args=[endpoint.id])
    for address, language in recipients:
        context = {"endpoint": endpoint, "since": failing_since, "link": link}
        queue_email(to=address, template="api/webhook_paused", context=context, language=language)


@transaction.atomic
def send_again(*, delivery: WebhookDelivery) -> None:
    """An administrator's "send again": the delivery is due now, its attempts kept."""
    WebhookDelivery.objects.filter(id=delivery.id).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now(), failing_since=None,
        delivered_at=None,
    )  # fmt: skip
    enqueue_on_commit(DELIVER_TASK, delivery.endpoint_id)


def deliver_due() -> int:
    """Beat's sweep: every endpoint with a due delivery (the task that was to send it never
    ran: broker down, worker lost) is sent to; how many were delivered."""
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=timezone.now(),
        endpoint__is_active=True,
        endpoint__paused_at__isnull=True,
    )
    endpoint_ids = sorted(set(due.values_list("endpoint_id", flat=True)[:1000]))
    return sum(deliver_endpoint(endpoint_id) for endpoint_id in endpoint_ids)
