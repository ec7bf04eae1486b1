from celery import shared_task


@shared_task
def render_chat_pdf(pdf_id: int, language: str) -> None:
    from .printing import render_chat_pdf as render

    render(pdf_id, language)
