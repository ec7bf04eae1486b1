from celery import shared_task


@shared_task
def make_thumbnail(attachment_id: int) -> None:
    """A small PNG of an attached image, for the thread."""
    from .services.attachments import make_thumbnail as make

    make(attachment_id=attachment_id)


@shared_task
def purge_trash() -> int:
    from .services.trash import purge_trash as purge

    return purge()


@shared_task
def compact_queue_counts() -> int:
    from .queues import compact_queue_counts as compact

    return compact()


@shared_task
def close_stale_resolved() -> int:
    from .services.closing import close_stale_resolved as close

    return close()


@shared_task(bind=True, max_retries=8)
def send_email(self, email_id: int) -> bool:
    """Deliver one outgoing mail, retrying with backoff while the SMTP server fails."""
    from .outbox import deliver

    try:
        return deliver(email_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error


@shared_task
def send_pending_emails(older_than_seconds: int = 30) -> int:
    from .outbox import send_pending

    return send_pending(older_than_seconds=older_than_seconds)


@shared_task
def fetch_mail() -> int:
    from .mailbox import fetch_mailbox

    return fetch_mailbox()


@shared_task
def render_ticket_pdf(pdf_id: int, language: str) -> None:
    from .printing import render_ticket_pdf as render

    render(pdf_id, language)
