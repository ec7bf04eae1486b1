"""Received mail, kept before anything can fail (SPEC §6).

`receive()` stores the message as it came, in its own transaction, and only then hands it to
INBOUND_MAIL_HANDLER (the tickets' mail in). A message the handler cannot take now (Redis,
a bug, anything) stays `pending` with its error and is tried again by beat's
`process_due()`, 1, 2, 4... minutes apart and at most an hour, for two days; then it is
`failed` until an administrator or a new delivery of the same Message-ID tries again.
"""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import parsing
from .models import ReceivedMessage
from .outbox import RETRY_FOR, retry_delay

logger = logging.getLogger(__name__)


def message_id_for(raw: bytes) -> str:
    try:
        return parsing.message_id_of(parsing.parse(raw), raw)
    except Exception:  # a message too broken to read keeps a name of its own
        return f"<sha256.{hashlib.sha256(raw).hexdigest()}@{settings.MAIL_DOMAIN}>"


def store(raw: bytes) -> ReceivedMessage:
    """Keep the message (once per Message-ID); raises only when the database cannot take it.

    A message delivered again after it failed is made due at once.
    """
    with transaction.atomic():
        received, created = ReceivedMessage.objects.get_or_create(
            message_id=message_id_for(raw), defaults={"raw": raw}
        )
        if not created and received.status != ReceivedMessage.Status.PROCESSED:
            received.status = ReceivedMessage.Status.PENDING
            received.next_attempt_at = timezone.now()
            received.save(update_fields=["status", "next_attempt_at"])
    return received


def receive(raw: bytes) -> ReceivedMessage:
    """Store one message, then try to process it; it is stored whatever becomes of that."""
    received = store(raw)
    if received.status != ReceivedMessage.Status.PROCESSED:
        process(received.id)
        received.refresh_from_db()
    return received


def process(received_id: int) -> bool:
    """Hand one stored message to INBOUND_MAIL_HANDLER; True when it was taken. A failure is
    recorded on the row with its next attempt (or, after two days of them, as failed)."""
    handler = import_string(settings.INBOUND_MAIL_HANDLER)
    with transaction.atomic():
        # locked: beat and a new delivery may process the same message at once
        row = (
            ReceivedMessage.objects.select_for_update(skip_locked=True)
            .filter(id=received_id)
            .exclude(status=ReceivedMessage.Status.PROCESSED)
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        now = timezone.now()
        try:
            with transaction.atomic():
                handler(bytes(row.raw))
        except Exception as error:
            logger.exception("received mail %s not processed", row.message_id)
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            row.next_attempt_at = now + retry_delay(row.attempts)
            if now - row.received_at >= RETRY_FOR:
                row.status = ReceivedMessage.Status.FAILED
            row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            return False
        row.status = ReceivedMessage.Status.PROCESSED
        row.processed_at = now
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "processed_at", "last_error"])
    return True


def process_due(*, limit: int = 200) -> int:
    """Process the stored messages whose next attempt is due; returns how many were taken."""
    due = ReceivedMessage.objects.filter(
        status=ReceivedMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at")
    return sum(process(received_id) for received_id in due.values_list("id", flat=True)[:limit])


def process_again(queryset) -> int:
    """Process the chosen messages now (an administrator's action); returns how many were
    taken."""
    waiting = queryset.exclude(status=ReceivedMessage.Status.PROCESSED)
    ids = list(waiting.values_list("id", flat=True))
    ReceivedMessage.objects.filter(id__in=ids).update(
        status=ReceivedMessage.Status.PENDING, next_attempt_at=timezone.now()
    )
    return sum(process(received_id) for received_id in ids)
