from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from tickets import mails, permissions
from tickets.models import Rating, Ticket, TicketEntry
from tickets.search import refresh_search
from tickets.workflow import Action, Status

from . import bell
from .common import NotAllowed, add_message, event, lock, move, save


class AlreadyRated(Exception):
    pass


def _as_requester(ticket: Ticket, actor: User, *, deciding=True) -> Ticket:
    ticket = lock(ticket)
    allowed = permissions.decides_for_requester if deciding else permissions.acts_for_requester
    if not allowed(actor, ticket):
        raise NotAllowed
    return ticket


def _touch(ticket: Ticket, now) -> None:
    ticket.updated_at = now
    save(ticket)


@transaction.atomic
def close_ticket(*, ticket: Ticket, actor: User) -> None:
    """The customer closes their ticket (S2): it can still be read, rated and printed; its
    agent is mailed."""
    ticket = _as_requester(ticket, actor)
    now = timezone.now()
    move(ticket, Action.CLOSE, actor=actor, now=now)
    _touch(ticket, now)
    if ticket.assignee_id != actor.id:
        mails.closed_by_customer(ticket)


@transaction.atomic
def rate_ticket(*, ticket: Ticket, actor: User, score: int, comment: str = "") -> Rating:
    """1-5 stars and a comment; rating a resolved ticket closes it (S0). One rating a ticket."""
    ticket = _as_requester(ticket, actor)
    if not 1 <= score <= 5:
        raise ValueError("a rating is 1 to 5 stars")
    now = timezone.now()
    move(ticket, Action.RATE, actor=actor, now=now)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                ticket=ticket, score=score, comment=comment.strip(), rated_by=actor, created_at=now
            )
    except IntegrityError:
        raise AlreadyRated from None
    event(ticket, TicketEntry.Kind.RATING, actor, public=True, now=now,
          body_text=rating.comment, data={"score": score})  # fmt: skip
    if rating.comment:
        refresh_search([ticket.id])
    _touch(ticket, now)
    return rating


@transaction.atomic
def mark_not_solved(*, ticket: Ticket, actor: User, body_html: str = "") -> None:
    """The customer is not satisfied with the resolution: the ticket is reopened (S0)."""
    ticket = _as_requester(ticket, actor, deciding=False)
    now = timezone.now()
    move(ticket, Action.NOT_SOLVED, actor=actor, now=now)
    if body_html.strip():
        entry = add_message(
            ticket, kind=TicketEntry.Kind.REPLY, actor=actor, body_html=body_html, now=now
        )
        mails.reply_posted(entry, by_customer=True)
    ticket.customer_spoke_last = True
    save(ticket, "customer_spoke_last")
    bell.customer_replied(ticket, actor=actor)


def close_stale_resolved(*, now=None) -> int:
    """Close tickets left resolved and unanswered for TICKET_AUTO_CLOSE_DAYS (SPEC §2)."""
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    stale = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff, trashed_at=None)
    closed = 0
    for ticket_id in stale.values_list("id", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(id=ticket_id)
            if ticket.status != Status.RESOLVED:  # answered meanwhile
                continue
            move(ticket, Action.AUTO_CLOSE, actor=None, now=now)
            save(ticket)
            closed += 1
    return closed
