"""Mail about tickets, in one place (the e-mail issue replaces this with the outbox).

Every message is queued after the transaction commits and rendered by a Celery task in the
recipient's language, with the ticket's number in the subject.
"""

from django.conf import settings
from django.urls import reverse

from helpdesk.queue import enqueue_on_commit

from . import guest_access


def notify_ticket_opened(ticket) -> None:
    """The receipt (S0, S4): the number and a link to follow the ticket."""
    from .tasks import send_ticket_email

    enqueue_on_commit(send_ticket_email, "ticket_opened", ticket.id)


def notify_status_link(ticket) -> None:
    """The answer to "check ticket status": a signed link to this ticket alone (S4)."""
    from .tasks import send_ticket_email

    enqueue_on_commit(send_ticket_email, "status_link", ticket.id)


def notify_ticket_resolved(ticket) -> None:
    """The work is done: the customer is asked to rate it, or to say it is not solved (S0)."""
    from .tasks import send_ticket_email

    enqueue_on_commit(send_ticket_email, "ticket_resolved", ticket.id)


def link_for_requester(ticket, *, signed: bool = False) -> str:
    """Where the requester follows the ticket: the portal, or a signed link for a guest."""
    if (
        not signed
        and ticket.requester.has_usable_password()
        and ticket.requester.is_email_confirmed
    ):
        return settings.SITE_URL + reverse("tickets:detail", args=[ticket.number])
    return settings.SITE_URL + reverse(
        "tickets:guest_access", args=[guest_access.make_token(ticket)]
    )
