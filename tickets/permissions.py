"""The one permission gate for tickets (STYLE rule 3).

`visible_tickets()` scopes every list, search, count and download (`organization_tickets()` is
its organization's part, for the master user's list); `get_ticket_for()` fetches one or raises
404. A guest's signed link adds its one ticket through `guest_ticket_ids`, and a ticket it was
merged into that its holder follows, to read only, through `guest_followed_ids`.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import User

from .models import Ticket, TicketFollower


def visible_tickets(
    user: User | AnonymousUser, *, guest_ticket_ids=frozenset(), guest_followed_ids=frozenset()
):
    """Every ticket `user` may see; a ticket in the trash is seen nowhere but the trash."""
    guest_ids = frozenset(guest_ticket_ids) | frozenset(guest_followed_ids)
    return Ticket.objects.filter(_visibility(user, guest_ids), trashed_at__isnull=True)


def visibility(user: User | AnonymousUser):
    """The condition of `visible_tickets` (the trash aside), for rows that carry a ticket's
    department, agent, requester and submitter under their names (the reports' rollup)."""
    return _visibility(user, frozenset())


def _visibility(user: User | AnonymousUser, guest_ticket_ids) -> Q:
    scope = Q(id__in=list(guest_ticket_ids)) if guest_ticket_ids else Q(pk__in=[])
    if not isinstance(user, User) or not user.is_active:
        return scope
    if user.is_administrator:
        return Q()
    if user.is_agent:
        # Their departments' tickets, those assigned to them, those they asked for (internal
        # tickets and escalations to other departments), and those they opened for a
        # customer wherever they went (an attendance's plan may send one elsewhere, S1). The
        # departments are the ones the other predicates read, written out: a subquery cost a
        # millisecond of compiling and planning a query.
        return (
            scope
            | Q(department_id__in=sorted(user.department_ids))
            | Q(assignee=user)
            | Q(requester=user)
            | Q(submitter=user)
        )
    # A requester whose ticket was merged into another follows it (workspace.merge).
    scope |= Q(requester=user) | Q(id__in=TicketFollower.objects.filter(user=user).values("ticket"))
    if _sees_organization(user):
        scope |= Q(organization_id=user.organization_id)
    return scope


def _sees_organization(user: User) -> bool:
    return bool(user.is_master and user.organization_id)


def organization_tickets(user: User, *, guest_ticket_ids=frozenset()):
    """The visible tickets of `user`'s organization: `visible_tickets(user).filter(
    organization_id=...)`, written for PostgreSQL.

    A master user sees every ticket of their organization, so that filter makes the rest
    of the gate's condition redundant; left in, PostgreSQL counted the organization twice,
    expected 40 rows for 1,400, and sorted them all instead of walking the organization's
    index in order (12 ms against 0.4 ms at 100,000 tickets).
    """
    organization_id = user.organization_id
    if user.is_active and user.is_customer and organization_id and user.is_master:
        return Ticket.objects.filter(organization_id=organization_id, trashed_at__isnull=True)
    return visible_tickets(user, guest_ticket_ids=guest_ticket_ids).filter(
        organization_id=user.organization_id or 0
    )


def get_ticket_for(
    user: User | AnonymousUser,
    number,
    *,
    write=False,
    guest_ticket_ids=frozenset(),
    guest_followed_ids=frozenset(),
    annotate=None,
) -> Ticket:
    """The ticket `number` if `user` may see it (404 otherwise); 403 if they may not change it.

    Writing here means acting on the customer's side: the requester, a master user of the
    requester's organization, or the holder of a guest link. `annotate` adds what a page
    asks of the ticket to the same query. A guest following a ticket only reads it.
    """
    ticket = (
        visible_tickets(
            user, guest_ticket_ids=guest_ticket_ids, guest_followed_ids=guest_followed_ids
        )
        .select_related("requester", "organization", "assignee", "parent", "rating")
        .defer(*_PARENT_DEFERRED)
        .annotate(**(annotate or {}))
        .filter(number=number)
        .order_by()[:1]
    )
    ticket = next(iter(ticket), None)
    if ticket is None:
        raise Http404
    if write and not acts_for_requester(user, ticket, guest_ticket_ids=guest_ticket_ids):
        raise PermissionDenied
    return ticket


# Of the parent (an escalation's), pages show the number and services read who handles it;
# its other columns, read for every ticket fetched, cost 2 ms of the page.
_PARENT_KEPT = {"id", "number", "title", "kind", "status", "department", "assignee", "requester"}
_PARENT_DEFERRED = [
    f"parent__{field.name}"
    for field in Ticket._meta.concrete_fields
    if field.name not in _PARENT_KEPT
]


def acts_for_requester(
    user: User | AnonymousUser, ticket: Ticket, *, guest_ticket_ids=frozenset()
) -> bool:
    """May answer, close and rate `ticket` as its customer.

    For an internal ticket the "customer" is the agent who opened it.
    """
    if ticket.kind != Ticket.Kind.EXTERNAL:
        return bool(user.is_authenticated and user.is_active and ticket.requester_id == user.id)
    if ticket.id in guest_ticket_ids:
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    if ticket.requester_id == user.id:
        return True
    return bool(
        user.is_master
        and user.organization_id is not None
        and ticket.organization_id == user.organization_id
    )


def decides_for_requester(
    user: User | AnonymousUser, ticket: Ticket, *, guest_ticket_ids=frozenset()
) -> bool:
    """Changes the priority of `ticket`, closes and rates it: its creator, or the holder of
    its guest link. A master user comments on a colleague's ticket, no more (S2 §4.11)."""
    if not acts_for_requester(user, ticket, guest_ticket_ids=guest_ticket_ids):
        return False
    if ticket.id in guest_ticket_ids:
        return True
    return ticket.requester_id == user.id


# The agent side. Each predicate takes a ticket the person can already see.


def department_ids(user: User) -> frozenset[int]:
    return user.department_ids if user.is_authenticated else frozenset()


def works_on(user: User, ticket: Ticket) -> bool:
    """Sees its notes and may add one: an agent of its department, or its agent. Changing it
    asks more: `holds()`."""
    if not user.is_authenticated or not user.is_active or not user.is_agent:
        return False
    if user.is_administrator:
        return True
    if ticket.assignee_id == user.id:
        return True
    return ticket.department_id in department_ids(user)


def works_on_condition(user: User | AnonymousUser, *, prefix: str = "") -> Q:
    """`works_on()` as a query condition, for searching internal notes (their words match
    only tickets one works on, not all one sees); `prefix` points at the ticket, such as
    "ticket__"."""
    if not isinstance(user, User) or not user.is_active or not user.is_agent:
        return Q(pk__in=[])
    if user.is_administrator:
        return Q()
    return Q(**{f"{prefix}assignee_id": user.id}) | Q(
        **{f"{prefix}department_id__in": sorted(user.department_ids)}
    )


def holds(user: User, ticket: Ticket) -> bool:
    """Answers for the ticket (S3 §3): its agent, or a manager of its department or an
    administrator. Only they answer, edit, transfer, resolve and finalize it."""
    if not works_on(user, ticket):
        return False
    if ticket.assignee_id == user.id:
        return True
    return may_assign(user, ticket)


def may_answer(user: User, ticket: Ticket) -> bool:
    """Reply to the customer: who holds it, or, while nobody claimed it, an agent who may
    claim it (the reply claims it)."""
    if holds(user, ticket):
        return True
    return ticket.assignee_id is None and may_claim(user, ticket)


def may_take_over(user: User, ticket: Ticket) -> bool:
    """ "Assumir": an agent of its department takes a ticket claimed by another agent."""
    if not may_claim(user, ticket):
        return False
    if ticket.assignee_id is None:
        return False
    return ticket.assignee_id != user.id


def may_reply(user: User, ticket: Ticket) -> bool:
    """From the panel: as one who may answer it, or as the agent who opened an internal one."""
    return may_answer(user, ticket) or acts_for_requester(user, ticket)


def may_claim(user: User, ticket: Ticket) -> bool:
    """Claiming is only in one's own departments (S3 §3)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_agent
        and ticket.department_id in department_ids(user)
    )


def may_assign(user: User, ticket: Ticket) -> bool:
    """Managers of the ticket's department and administrators hand tickets to others."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    return ticket.department_id in user.managed_department_ids


def may_transfer(user: User, ticket: Ticket) -> bool:
    return holds(user, ticket) and (user.is_administrator or user.can_transfer_tickets)


def may_edit(user: User, ticket: Ticket) -> bool:
    return holds(user, ticket) and (user.is_administrator or user.can_edit_tickets)


def may_delete(user: User, ticket: Ticket) -> bool:
    return works_on(user, ticket) and (user.is_administrator or user.can_delete_tickets)


def may_see_trash(user: User) -> bool:
    """The trash is for those who may delete tickets, and administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    return bool(user.is_agent and user.can_delete_tickets)


def trashed_tickets(user: User):
    """The trash: administrators see all of it, agents with delete rights their departments'."""
    trash = Ticket.objects.filter(trashed_at__isnull=False)
    if not user.is_authenticated or not user.is_active:
        return trash.none()
    if user.is_administrator:
        return trash
    if user.is_agent and user.can_delete_tickets:
        return trash.filter(department_id__in=department_ids(user))
    return trash.none()


def may_follow_up(user: User, ticket: Ticket) -> bool:
    """Service orders, tasks and mail from templates (S1): whoever works on the ticket, or
    the agent who opened it (in an attendance, say), wherever it went."""
    if works_on(user, ticket):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_agent
        and ticket.submitter_id == user.id
    )
