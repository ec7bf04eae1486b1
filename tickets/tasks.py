from celery import shared_task
from django.conf import settings

from helpdesk.emails import build_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_ticket_email(kind: str, ticket_id: int) -> None:
    """Mail the requester of a ticket: its receipt or its status link."""
    from .models import Ticket
    from .notifications import link_for_requester

    ticket = Ticket.objects.select_related("requester", "department").filter(id=ticket_id).first()
    if ticket is None:
        return
    requester = ticket.requester
    context = {
        "ticket": ticket,
        "person": requester,
        "link": link_for_requester(ticket, signed=kind == "status_link"),
        "valid_days": settings.GUEST_LINK_MAX_AGE_SECONDS // 86400,
    }
    build_email(f"tickets/{kind}", context, to=requester.email, language=requester.language).send()


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
def close_stale_resolved() -> int:
    from .services.closing import close_stale_resolved as close

    return close()
