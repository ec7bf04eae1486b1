"""The one permission gate for tickets (STYLE rule 3).

`visible_tickets()` scopes every list, search, count and download; `get_ticket_for()` fetches
one or raises 404. A guest's signed link adds its one ticket through `guest_ticket_ids`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import DepartmentMembership

from .models import Ticket


def visible_tickets(user, *, guest_ticket_ids=frozenset()):
    return Ticket.objects.filter(_visibility(user, guest_ticket_ids))


def _visibility(user, guest_ticket_ids) -> Q:
    scope = Q(id__in=list(guest_ticket_ids)) if guest_ticket_ids else Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return scope
    if user.is_administrator:
        return Q()
    if user.is_agent:
        departments = DepartmentMembership.objects.filter(user=user).values("department_id")
        return scope | Q(department_id__in=departments) | Q(assignee=user)
    scope |= Q(requester=user)
    if user.is_master and user.organization_id:
        scope |= Q(organization_id=user.organization_id)
    return scope


def get_ticket_for(user, number, *, write=False, guest_ticket_ids=frozenset()) -> Ticket:
    """The ticket `number` if `user` may see it (404 otherwise); 403 if they may not change it.

    Writing here means acting on the customer's side: the requester, a master user of the
    requester's organization, or the holder of a guest link.
    """
    ticket = (
        visible_tickets(user, guest_ticket_ids=guest_ticket_ids)
        .select_related(
            "requester",
            "organization",
            "department",
            "category",
            "product",
            "priority",
            "severity",
            "assignee",
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    if write and not acts_for_requester(user, ticket, guest_ticket_ids=guest_ticket_ids):
        raise PermissionDenied
    return ticket


def acts_for_requester(user, ticket, *, guest_ticket_ids=frozenset()) -> bool:
    """May answer, close and rate `ticket` as its customer."""
    if ticket.kind != Ticket.Kind.EXTERNAL:
        return False
    if ticket.id in guest_ticket_ids:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if ticket.requester_id == user.id:
        return True
    return bool(
        user.is_master
        and user.organization_id is not None
        and ticket.organization_id == user.organization_id
    )
