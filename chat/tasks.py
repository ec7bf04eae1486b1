from celery import shared_task

from . import printing


@shared_task
def render_chat_pdf(pdf_id: int, language: str) -> None:
    printing.render_chat_pdf(pdf_id, language)
