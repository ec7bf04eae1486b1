"""The tickets' Celery tasks: entry points that take ids, load, and call a service."""

from celery import shared_task

from . import printing, queues
from .services import attachments, closing, opening, trash


@shared_task
def make_thumbnail(attachment_id: int) -> None:
    """A small PNG of an attached image, for the thread."""
    attachments.make_thumbnail(attachment_id=attachment_id)


@shared_task
def send_status_link(email: str, number: int) -> None:
    opening.send_status_link(email=email, number=number)


@shared_task
def purge_trash() -> int:
    return trash.purge_trash()


@shared_task
def compact_queue_counts() -> int:
    return queues.compact_queue_counts()


@shared_task
def close_stale_resolved() -> int:
    return closing.close_stale_resolved()


@shared_task
def render_ticket_pdf(pdf_id: int, language: str) -> None:
    printing.render_ticket_pdf(pdf_id, language)
