"""Reading the inbound IMAP mailbox (SPEC §6); `/healthz` and the admin show how it went."""

import imaplib
import logging

from django.conf import settings
from django.utils import timezone

from .inbox import receive
from .models import MailboxStatus

logger = logging.getLogger(__name__)


def fetch_mailbox() -> int:
    """Read every unseen message, store each once, mark it seen; returns how many were read.

    A message is marked seen once it is stored, processed or not (`mail.inbox`).

    A failure is recorded on the mailbox's status row and raised.
    """
    status, _ = MailboxStatus.objects.get_or_create(name="default")
    status.last_run_at = timezone.now()
    read = 0
    try:
        with _connect() as imap:
            imap.select(settings.IMAP_FOLDER)
            _status, found = imap.uid("search", None, "UNSEEN")
            for uid in (found[0] or b"").split():
                _status, parts = imap.uid("fetch", uid, "(BODY.PEEK[])")
                raw = next(part[1] for part in parts if isinstance(part, tuple))
                receive(raw)
                imap.uid("store", uid, "+FLAGS", "(\\Seen)")
                read += 1
    except Exception as error:
        status.last_error = f"{type(error).__name__}: {error}"[:2000]
        status.save(update_fields=["last_run_at", "last_error"])
        logger.warning("mailbox: %s", status.last_error)
        raise
    status.last_error = ""
    status.last_success_at = status.last_run_at
    status.messages_read += read
    status.save(update_fields=["last_run_at", "last_error", "last_success_at", "messages_read"])
    return read


def _connect():
    host, port = settings.IMAP_HOST, settings.IMAP_PORT
    if settings.IMAP_TLS == "ssl":
        imap = imaplib.IMAP4_SSL(host, port, timeout=30)
    else:
        imap = imaplib.IMAP4(host, port, timeout=30)
        if settings.IMAP_TLS == "starttls":
            imap.starttls()
    imap.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    return imap


def mailbox_health() -> str | None:
    """None when no mailbox is configured; otherwise "ok", or "down: …" after a failed read."""
    if not settings.IMAP_HOST:
        return None
    status = MailboxStatus.objects.filter(name="default").first()
    if status is None or status.last_run_at is None:
        return "ok (not read yet)"
    return f"down: {status.last_error}" if status.is_failing else "ok"
