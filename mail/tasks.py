"""Mail's Celery tasks: they take ids, load, and call the outbox or the mailbox."""

import logging

from celery import shared_task

from . import inbox, mailbox, outbox

logger = logging.getLogger(__name__)


@shared_task
def send_email(email_id: int) -> bool:
    """Deliver one outgoing mail. A failure is recorded on the row with its next attempt,
    which beat's sweeper makes (no Celery retry: the row, not the broker, keeps the time)."""
    try:
        return outbox.deliver(email_id)
    except Exception:
        logger.warning("mail %s not sent yet", email_id, exc_info=True)
        return False


@shared_task
def send_pending_emails(older_than_seconds: int = 30) -> int:
    return outbox.send_pending(older_than_seconds=older_than_seconds)


@shared_task
def process_received_messages() -> int:
    return inbox.process_due()


@shared_task
def fetch_mail() -> int:
    return mailbox.fetch_mailbox()
