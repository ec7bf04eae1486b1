import copy

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User, normalize_email
from accounts.services import find_or_make_guest
from core import live, numbering, ratelimit
from core.queue import enqueue_on_commit
from mail.outbox import new_message_id
from tickets import mails, permissions
from tickets.configuration import default_priority
from tickets.models import GuestLink, Ticket, TicketEntry, TicketFollower

from .agent import assign_ticket
from .common import NotAllowed, add_message, set_due_dates


@transaction.atomic
def open_ticket(
    *,
    actor: User,
    requester: User,
    department: Department,
    title: str,
    body_html: str,
    category=None,
    product=None,
    priority=None,
    severity=None,
    channel: str = Ticket.Channel.PORTAL,
    files=(),
    links=(),
    kind: str = Ticket.Kind.EXTERNAL,
    parent: Ticket | None = None,
    requesting_department=None,
    notify_customer: bool = True,
    send_receipt: bool = True,
    email_thread_id: str = "",
    message_id: str = "",
) -> Ticket:
    """Open a ticket with its first message and mail the receipt.

    The requester's organization is copied onto the ticket; the priority defaults to the
    configured default; the due dates follow its SLA. Internal tickets (between departments,
    escalations) get no receipt: their requester is an agent who sees them in the panel.
    """
    if category is not None and category.department_id not in (None, department.id):
        raise ValueError("the category belongs to another department")
    if priority is None:
        # From the kept table: no query (and its own copy, as a form's choice is).
        priority = copy.copy(default_priority())
    now = timezone.now()
    ticket = Ticket(
        title=" ".join(title.split()),
        requester=requester,
        submitter=actor,
        organization_id=requester.organization_id if kind == Ticket.Kind.EXTERNAL else None,
        department=department,
        category=category,
        product=product,
        priority=priority,
        severity=severity,
        channel=channel,
        kind=kind,
        parent=parent,
        requesting_department=requesting_department,
        notify_customer=notify_customer,
        email_thread_id=email_thread_id or new_message_id(),
        created_at=now,
        updated_at=now,
    )
    set_due_dates(ticket)
    (ticket.number,) = numbering.issue("ticket")  # unique by construction (core.numbering)
    ticket.save(force_insert=True)
    live.changed("ticket", ticket.id, department=None, agent=None, opened=True)
    add_message(
        ticket,
        kind=TicketEntry.Kind.MESSAGE,
        actor=actor,
        body_html=body_html,
        files=files,
        links=links,
        now=now,
        message_id=message_id,
    )
    if send_receipt:
        mails.ticket_opened(ticket)
    return ticket


@transaction.atomic
def open_guest_ticket(
    *, full_name: str, email: str, phone: str, language: str, **fields
) -> tuple[Ticket, bool]:
    """A ticket from the guest form (S4): the requester is found or made from the e-mail.

    Returns the ticket and whether its requester is a person made just now. Either way the
    guest reads it through the receipt's link, so typing someone's address tells nothing.
    """
    requester, is_new = find_or_make_guest(
        full_name=full_name, email=email, phone=phone, language=language
    )
    ticket = open_ticket(
        actor=requester, requester=requester, channel=Ticket.Channel.GUEST, **fields
    )
    return ticket, is_new


def request_status_link(*, email: str, number: int) -> None:
    """Ask for a status link; a worker looks the pair up (`send_status_link`), so the request
    does the same work and answers the same whether or not it exists."""
    enqueue_on_commit("tickets.tasks.send_status_link", normalize_email(email), number)


def send_status_link(*, email: str, number: int) -> None:
    """Mail a link when the e-mail is the ticket's requester's; otherwise nothing. Past
    STATUS_LINKS_PER_EMAIL_PER_HOUR requests for one address, nothing more is mailed to it.
    """
    limit = settings.STATUS_LINKS_PER_EMAIL_PER_HOUR
    if ratelimit.hit("status-link-email", email, window=3600) > limit:
        return
    ticket = (
        Ticket.objects.select_related("requester")
        .filter(number=number, requester__email=email, kind=Ticket.Kind.EXTERNAL)
        .first()
    )
    if ticket is not None:
        mails.status_link(ticket)


@transaction.atomic
def revoke_guest_links(*, ticket: Ticket, actor: User) -> int:
    """End at once every link to `ticket` mailed so far (a forwarded mail, a shared computer);
    for its creator (not a master user of their organization) or those working on it.
    Returns how many were live."""
    if not (
        permissions.decides_for_requester(actor, ticket) or permissions.works_on(actor, ticket)
    ):
        raise NotAllowed
    live = GuestLink.objects.filter(ticket=ticket, revoked_at__isnull=True)
    return live.update(revoked_at=timezone.now())


@transaction.atomic
def open_ticket_for_customer(
    *,
    actor: User,
    customer: User,
    department: Department,
    assignee: User | None = None,
    follow: bool = False,
    **fields,
) -> Ticket:
    """An agent opens a ticket on a customer's behalf (S3 §2.1).

    Only managers of the department and administrators choose its agent; "follow" sends the
    customer's replies to the agent who opened it.
    """
    if not actor.is_agent:
        raise NotAllowed
    ticket = open_ticket(
        actor=actor, requester=customer, department=department, channel=Ticket.Channel.AGENT,
        **fields,
    )  # fmt: skip
    if assignee is not None:
        if not permissions.may_assign(actor, ticket):
            raise NotAllowed
        ticket = assign_ticket(ticket=ticket, actor=actor, agent=assignee)
    if follow:
        TicketFollower.objects.get_or_create(ticket=ticket, user=actor)
    return ticket


@transaction.atomic
def open_internal_ticket(
    *,
    actor: User,
    department: Department,
    represent_department=None,
    assignee: User | None = None,
    **fields,
) -> Ticket:
    """A ticket from one department to another (S3 §2.2); the agent may speak for one of the
    departments they belong to."""
    if not actor.is_agent:
        raise NotAllowed
    if represent_department is not None and represent_department.id not in actor.department_ids:
        raise NotAllowed
    ticket = open_ticket(
        actor=actor, requester=actor, department=department, channel=Ticket.Channel.AGENT,
        kind=Ticket.Kind.INTERNAL, requesting_department=represent_department, **fields,
    )  # fmt: skip
    if assignee is not None:
        if not permissions.may_assign(actor, ticket):
            raise NotAllowed
        ticket = assign_ticket(ticket=ticket, actor=actor, agent=assignee)
    return ticket
