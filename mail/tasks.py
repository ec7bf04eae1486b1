"""Mail's Celery tasks: they take ids, load, and call the outbox or the mailbox."""

from celery import shared_task

from . import mailbox, outbox


@shared_task(bind=True, max_retries=8)
def send_email(self, email_id: int) -> bool:
    """Deliver one outgoing mail, retrying with backoff while the SMTP server fails."""
    try:
        return outbox.deliver(email_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error


@shared_task
def send_pending_emails(older_than_seconds: int = 30) -> int:
    return outbox.send_pending(older_than_seconds=older_than_seconds)


@shared_task
def fetch_mail() -> int:
    return mailbox.fetch_mailbox()
