from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tickets import mails, permissions
from tickets.models import Ticket, TicketEntry
from tickets.workflow import Action

from . import bell
from .agent import AlreadyClaimed, check_seen, has_open_children, resolve_ticket, take_over
from .common import (
    NotAllowed,
    WorkTime,
    add_message,
    event,
    lock,
    move,
    record_time,
    save,
    set_due_dates,
)

AGENT_REPLY_ACTIONS = (Action.REPLY_AND_WAIT, Action.REPLY_AND_KEEP, Action.REPLY_AND_PEND)


@transaction.atomic
def reply_to_ticket(
    *,
    ticket: Ticket,
    actor: User,
    body_html: str,
    files=(),
    links=(),
    quoted: TicketEntry | None = None,
    then: str = Action.REPLY_AND_WAIT,
    work: WorkTime | None = None,
    message_id: str = "",
    taking_over: bool = False,
    seen_entry_id: int | None = None,
    resolving: bool = False,
) -> TicketEntry:
    """A public reply from the customer's side, or from an agent.

    The customer's reply reopens a resolved ticket (S4) and tells the agents the customer
    spoke last; an agent's reply moves the ticket as `then` says (waiting on the customer by
    default) and counts as the first response when it is one; it may carry time worked, which
    the customer never sees. A closed ticket takes no reply. An agent answers an unclaimed
    ticket (and claims it), or their own; another's only `taking_over` it. Others' newer
    messages than `seen_entry_id` refuse it (AnsweredMeanwhile): the author reads them first.
    An agent's reply `resolving` the ticket ("send and resolve") resolves it too when it may
    be (held, no escalation open), the reply mailed once, in the resolving mail.
    """
    ticket = lock(ticket)
    now = timezone.now()
    action: str
    if permissions.acts_for_requester(actor, ticket):
        action, customer_spoke = Action.CUSTOMER_REPLY, True
    elif permissions.works_on(actor, ticket) and then in AGENT_REPLY_ACTIONS:
        action, customer_spoke = then, False
    else:
        raise NotAllowed
    check_seen(ticket, actor, seen_entry_id)
    if quoted is not None and (quoted.ticket_id != ticket.id or not quoted.is_public):
        raise NotAllowed
    if not customer_spoke and not permissions.may_answer(actor, ticket):
        if not (taking_over and permissions.may_take_over(actor, ticket)):
            raise AlreadyClaimed(ticket.assignee)
        take_over(ticket, actor, now=now)
    move(ticket, action, actor=actor, now=now)
    if not customer_spoke and ticket.assignee_id is None and permissions.may_claim(actor, ticket):
        # The agent who answers an unclaimed ticket takes it, as "Me vincular" would.
        ticket.assignee = actor
        event(ticket, TicketEntry.Kind.ASSIGNMENT, actor, now=now,
              data={"to": actor.full_name, "by_reply": True})  # fmt: skip
    entry = add_message(
        ticket,
        kind=TicketEntry.Kind.REPLY,
        actor=actor,
        body_html=body_html,
        files=files,
        links=links,
        quoted=quoted,
        now=now,
        message_id=message_id,
    )
    ticket.customer_spoke_last = customer_spoke
    ticket.updated_at = now
    if not customer_spoke and ticket.first_response_at is None:
        ticket.first_response_at = now
    save(ticket, "customer_spoke_last", "first_response_at", "assignee")
    held = not customer_spoke and permissions.holds(actor, ticket)
    if resolving and held and not has_open_children(ticket):
        record_time(entry, work)
        # The resolving mail carries the reply; it tells the escalation's parent too.
        resolve_ticket(ticket=ticket, actor=actor, reply=entry)
        return entry
    mails.reply_posted(entry, by_customer=customer_spoke)
    if customer_spoke:
        bell.customer_replied(ticket, actor=actor)
    else:
        record_time(entry, work)
        mails.escalation_answered(ticket, entry)
    bell.escalation_answered(ticket, actor=actor)
    return entry


@transaction.atomic
def change_priority(*, ticket: Ticket, actor: User, priority) -> None:
    """The requester raises or lowers the priority of an open ticket (S2); the SLA follows."""
    ticket = lock(ticket)
    if not permissions.decides_for_requester(actor, ticket):
        raise NotAllowed
    if priority.id == ticket.priority_id:
        return
    move(ticket, Action.CHANGE_PRIORITY, actor=actor, now=timezone.now())
    old = ticket.priority
    ticket.priority = priority
    set_due_dates(ticket, previous_priority=old)
    save(ticket, "priority")
    event(ticket, TicketEntry.Kind.PRIORITY, actor, public=True, now=ticket.updated_at,
          data={"from": old.name if old else "", "to": priority.name,
                "from_id": old.id if old else None, "to_id": priority.id})  # fmt: skip
