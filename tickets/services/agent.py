"""What agents do to a ticket in the panel (S3 §3 to §4)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from core.models import ConfigurationItem
from core.sanitize import clean_html, html_to_text
from tickets import mails, permissions
from tickets.models import Ticket, TicketEntry, TicketFollower
from tickets.search import refresh_search
from tickets.workflow import Action, Status

from . import bell
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


class AlreadyClaimed(Exception):
    """Someone else claimed the ticket first; `agent` says who."""

    def __init__(self, agent):
        self.agent = agent
        super().__init__(f"already claimed by {agent}")


class AnsweredMeanwhile(Exception):
    """Others wrote on the ticket after the entry the agent last saw; `entries` are theirs."""

    def __init__(self, entries):
        self.entries = entries


def check_seen(ticket: Ticket, actor: User, seen_entry_id: int | None) -> None:
    """Refuse a message written before the others' newer replies and notes were seen."""
    written = [TicketEntry.Kind.MESSAGE, TicketEntry.Kind.REPLY, TicketEntry.Kind.NOTE]
    if seen_entry_id is not None:
        others = ticket.entries.filter(id__gt=seen_entry_id, kind__in=written).exclude(author=actor)
        if newer := list(others.select_related("author").order_by("id")):
            raise AnsweredMeanwhile(newer)


class HasOpenChildren(Exception):
    """The ticket has escalations still open (S3 §4.6)."""


class Unanswered(Exception):
    """Finalizing a ticket nobody answered needs a confirmation."""


def _touch(ticket: Ticket, now) -> None:
    # The ticket changed: its stored PDFs (keyed by updated_at) are stale.
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])


def _follow(ticket: Ticket, user: User) -> None:
    TicketFollower.objects.get_or_create(ticket=ticket, user=user)


@transaction.atomic
def claim_ticket(*, ticket: Ticket, actor: User, follow: bool = False) -> Ticket:
    """ "Me vincular": the agent becomes responsible. Locked: when two claim at once, one wins
    and the other gets AlreadyClaimed naming the winner."""
    ticket = lock(ticket)
    if not permissions.may_claim(actor, ticket):
        raise NotAllowed
    if ticket.assignee_id not in (None, actor.id):
        raise AlreadyClaimed(ticket.assignee)
    if follow:
        _follow(ticket, actor)
    if ticket.assignee_id == actor.id:
        return ticket
    now = timezone.now()
    move(ticket, Action.CLAIM, actor=actor, now=now)
    ticket.assignee = actor
    event(ticket, TicketEntry.Kind.ASSIGNMENT, actor, now=now, data={"to": actor.full_name})
    save(ticket, "assignee")
    return ticket


@transaction.atomic
def take_over_ticket(*, ticket: Ticket, actor: User) -> Ticket:
    """ "Assumir" (S3 §3): an agent of its department takes a ticket another agent claimed;
    the history says so and the previous agent is mailed. Locked, as claiming is."""
    ticket = lock(ticket)
    if not permissions.may_take_over(actor, ticket):
        raise NotAllowed
    take_over(ticket, actor, now=timezone.now())
    save(ticket, "assignee")
    return ticket


def take_over(ticket: Ticket, actor: User, *, now) -> None:
    """The locked `ticket` becomes `actor`'s, from whoever held it (a reply may do this)."""
    previous = ticket.assignee
    if previous is None:  # callers checked may_take_over(); this keeps it true here too
        raise NotAllowed
    if ticket.can(Action.CLAIM):
        move(ticket, Action.CLAIM, actor=actor, now=now)
    ticket.assignee = actor
    data = {"to": actor.full_name, "from": previous.full_name, "taken_over": True}
    event(ticket, TicketEntry.Kind.ASSIGNMENT, actor, now=now, data=data)
    mails.taken_over(ticket, previous, actor=actor)


@transaction.atomic
def assign_ticket(*, ticket: Ticket, actor: User, agent: User) -> Ticket:
    """A manager of the department, or an administrator, hands the ticket to an agent of it."""
    ticket = lock(ticket)
    if not permissions.may_assign(actor, ticket):
        raise NotAllowed
    if not agent.is_agent or ticket.department_id not in agent.department_ids:
        raise NotAllowed
    now = timezone.now()
    if ticket.status in (Status.NEW, Status.REOPENED):
        move(ticket, Action.CLAIM, actor=actor, now=now)
    ticket.assignee = agent
    ticket.updated_at = now
    event(ticket, TicketEntry.Kind.ASSIGNMENT, actor, now=now, data={"to": agent.full_name})
    save(ticket, "assignee")
    bell.assigned(ticket, actor=actor)
    mails.assigned(ticket, agent, actor=actor)
    return ticket


@transaction.atomic
def add_note(
    *,
    ticket: Ticket,
    actor: User,
    body_html: str,
    files=(),
    links=(),
    work=None,
    message_id: str = "",
    seen_entry_id: int | None = None,
):
    """An internal note, seen by agents only (S3 §4.4); `message_id` when it came by mail;
    refused (AnsweredMeanwhile) when others wrote after `seen_entry_id`."""
    ticket = lock(ticket)
    if not permissions.works_on(actor, ticket):
        raise NotAllowed
    check_seen(ticket, actor, seen_entry_id)
    entry = add_message(
        ticket, kind=TicketEntry.Kind.NOTE, actor=actor, body_html=body_html, files=files,
        links=links, message_id=message_id,
    )  # fmt: skip
    record_time(entry, work)
    _touch(ticket, entry.created_at)
    return entry


@transaction.atomic
def add_system_note(*, ticket: Ticket, body_html: str, files=(), message_id: str = ""):
    """A note the system leaves for the agents, such as mail it would not put in the thread."""
    entry = add_message(
        ticket, kind=TicketEntry.Kind.NOTE, actor=None, body_html=body_html, files=files,
        message_id=message_id,
    )  # fmt: skip
    _touch(ticket, entry.created_at)
    return entry


@transaction.atomic
def transfer_ticket(
    *, ticket: Ticket, actor: User, department: Department, agent: User | None = None,
    by_rule: bool = False,
) -> Ticket:  # fmt: skip
    """To another department and/or agent, or back to the department's queue (S3 §4.7).
    `by_rule`: a move the system's rules prescribe (an attendance's plan or type, S1), which
    the caller has checked; the actor's transfer right is not asked."""
    ticket = lock(ticket)
    if not by_rule and not permissions.may_transfer(actor, ticket):
        raise NotAllowed
    if agent is not None and department.id not in agent.department_ids:
        raise NotAllowed
    now = timezone.now()
    data = {
        # Ids name the rows in each reader's language; names stay for rows deleted since.
        "from_department": ticket.department.name, "from_department_id": ticket.department_id,
        "to_department": department.name, "to_department_id": department.id,
        "from_agent": ticket.assignee.full_name if ticket.assignee else "",
        "to_agent": agent.full_name if agent else "",
    }  # fmt: skip
    moved_department = department.id != ticket.department_id
    ticket.department = department
    ticket.assignee = agent
    if ticket.category and ticket.category.department_id not in (None, department.id):
        ticket.category = None
    ticket.updated_at = now
    event(ticket, TicketEntry.Kind.TRANSFER, actor, now=now, data=data)
    save(ticket, "department", "assignee", "category")
    if agent is not None:
        bell.assigned(ticket, actor=actor)
        mails.assigned(ticket, agent, actor=actor)
    elif moved_department:
        bell.transferred(ticket, actor=actor)
    return ticket


EDITABLE = ("title", "category", "product", "priority", "severity", "requester", "notify_customer")


@transaction.atomic
def edit_ticket(
    *, ticket: Ticket, actor: User, body_html=None, department=None, by_rule=False, **changes
) -> Ticket:
    """Change the opening fields but its dates (S3 §4.8); each change is kept in the history,
    the earlier message as it was; a new department is a transfer (its agent kept if they
    work there)."""
    ticket = lock(ticket)
    if not by_rule and not permissions.may_edit(actor, ticket):  # by_rule: see transfer_ticket
        raise NotAllowed
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    requester = changes.get("requester")
    if requester is not None and ticket.kind == Ticket.Kind.EXTERNAL and requester.is_agent:
        raise ValueError("the requester of a customer's ticket is a customer")
    if department is not None and department.id != ticket.department_id:
        keeps = (
            ticket.assignee
            if ticket.assignee and department.id in ticket.assignee.department_ids
            else None
        )
        ticket = transfer_ticket(
            ticket=ticket, actor=actor, department=department, agent=keeps, by_rule=by_rule
        )
    category = changes.get("category", ticket.category)
    if category is not None and category.department_id not in (None, ticket.department_id):
        raise ValueError("the category belongs to another department")
    previous_priority = ticket.priority
    changed = {}
    for field, value in changes.items():
        old = getattr(ticket, field)
        if old != value:
            changed[field] = [_shown(old), _shown(value), *_ids(old, value)]
            setattr(ticket, field, value)
    if "requester" in changed:
        ticket.organization = ticket.requester.organization
    if body_html is not None:
        _edit_message(ticket, body_html, changed)
    if not changed:
        return ticket
    if "priority" in changed:
        set_due_dates(ticket, previous_priority=previous_priority)
    ticket.updated_at = timezone.now()
    event(ticket, TicketEntry.Kind.EDIT, actor, data=changed)
    save(ticket, *EDITABLE, "organization")
    if {"title", "message", "requester"} & set(changed):
        refresh_search([ticket.id])
    return ticket


def _ids(*values) -> list:
    # Of configuration rows, their ids too: the history names them in each reader's language.
    named = any(isinstance(value, ConfigurationItem) for value in values)
    return [getattr(value, "id", None) for value in values] if named else []


def _shown(value) -> str:
    if isinstance(value, User):
        return f"{value.full_name} <{value.email}>"
    return str(value if isinstance(value, bool) else value or "")


def _edit_message(ticket: Ticket, body_html: str, changed: dict) -> None:
    # The opening message changes in place; the history keeps the text it had.
    opening = ticket.entries.filter(kind=TicketEntry.Kind.MESSAGE).order_by("created_at", "id")
    message = opening.first()
    cleaned = clean_html(body_html)
    if message is None or message.body_html == cleaned:
        return
    changed["message"] = [message.body_text, html_to_text(cleaned)]
    message.body_html, message.body_text = cleaned, html_to_text(cleaned)
    message.save(update_fields=["body_html", "body_text"])


@transaction.atomic
def set_progress(*, ticket: Ticket, actor: User, label, body_html: str = "") -> Ticket:
    """Show the customer a step of the work, with a message (S3 §4.5); None ends it."""
    ticket = lock(ticket)
    if not permissions.holds(actor, ticket) or ticket.status == Status.CLOSED:
        raise NotAllowed
    now = timezone.now()
    previous = ticket.progress_label
    ticket.progress_label = label
    ticket.updated_at = now
    entry = add_message(
        ticket, kind=TicketEntry.Kind.PROGRESS, actor=actor, body_html=body_html, now=now
    )
    entry.data = {
        "label": label.name if label else "", "label_id": label.id if label else None,
        "label_pt_br": label.name_pt_br if label else "",
        "ended": previous.name if (previous and not label) else "",
    }  # fmt: skip
    entry.save(update_fields=["data"])
    save(ticket)
    mails.progress_updated(entry)
    return ticket


def has_open_children(ticket: Ticket) -> bool:
    return (
        ticket.children.filter(trashed_at__isnull=True)
        .exclude(status__in=[Status.RESOLVED, Status.CLOSED])
        .exists()
    )


def _lock_to_finish(ticket: Ticket, actor: User) -> Ticket:
    """The locked ticket, if `actor` holds it and no escalation of it is still open."""
    ticket = lock(ticket)
    if not permissions.holds(actor, ticket):
        raise NotAllowed
    if has_open_children(ticket):
        raise HasOpenChildren
    return ticket


@transaction.atomic
def resolve_ticket(
    *, ticket: Ticket, actor: User, body_html: str = "", work=None,
    reply: TicketEntry | None = None,
) -> Ticket:  # fmt: skip
    """The work is done: the customer is asked to rate it (S0), the resolving message, if any,
    in the same mail: `body_html`, or the `reply` just posted ("send and resolve"). Not while
    escalations are open."""
    ticket = _lock_to_finish(ticket, actor)
    now = timezone.now()
    move(ticket, Action.RESOLVE, actor=actor, now=now)
    entry = reply
    if reply is None and html_to_text(clean_html(body_html)).strip():
        entry = add_message(
            ticket, kind=TicketEntry.Kind.REPLY, actor=actor, body_html=body_html, now=now
        )
        record_time(entry, work)
        ticket.customer_spoke_last = False
    elif reply is None and work is not None:  # time worked alone is no message to the customer
        record_time(event(ticket, TicketEntry.Kind.TIME, actor, now=now), work)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    save(ticket, "customer_spoke_last", "first_response_at")
    mails.ticket_resolved(ticket, entry)
    mails.escalation_answered(ticket, entry, actor=actor)
    bell.escalation_answered(ticket, actor=actor)
    return ticket


@transaction.atomic
def finalize_ticket(
    *, ticket: Ticket, actor: User, reason: str = "", work=None, unanswered: bool = False
) -> Ticket:
    """Close the ticket from the agent's side, with a reason (S3 §4.10) and time worked; one
    nobody answered only when `unanswered` confirms it."""
    ticket = _lock_to_finish(ticket, actor)
    if ticket.first_response_at is None and not unanswered:
        raise Unanswered
    now = timezone.now()
    entry = move(ticket, Action.FINALIZE, actor=actor, now=now)
    if entry is not None and reason.strip():
        entry.data = {**entry.data, "reason": reason.strip()}
        entry.save(update_fields=["data"])
    if work is not None:
        record_time(event(ticket, TicketEntry.Kind.TIME, actor, now=now), work)
    save(ticket)
    mails.escalation_answered(ticket, actor=actor)
    bell.escalation_answered(ticket, actor=actor)
    return ticket


@transaction.atomic
def reopen_ticket(*, ticket: Ticket, actor: User) -> Ticket:
    ticket = lock(ticket)
    if not permissions.may_answer(actor, ticket):
        raise NotAllowed
    move(ticket, Action.REOPEN, actor=actor, now=timezone.now())
    save(ticket)
    return ticket


@transaction.atomic
def log_time(*, ticket: Ticket, actor: User, work: WorkTime) -> TicketEntry:
    ticket = lock(ticket)
    if not permissions.works_on(actor, ticket):
        raise NotAllowed
    entry = event(ticket, TicketEntry.Kind.TIME, actor)
    record_time(entry, work)
    _touch(ticket, entry.created_at)
    return entry
