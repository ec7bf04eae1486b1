"""The API's own gate, before the tickets' (tickets.permissions decides every ticket): signed
in, active, and a read-only token only reads."""

from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import DepartmentMembership, Organization, User
from chat.permissions import chats_for, own_chats
from tickets.models import ServiceOrder, TicketTask
from tickets.permissions import visible_tickets

from .models import ApiToken


class CallerMayUseApi(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return False
        if request.method in SAFE_METHODS:
            return True
        return token_may_write(request.auth)


def token_may_write(auth) -> bool:
    """A read-write token, or no token at all (the browser's session writes as its pages do)."""
    if not isinstance(auth, ApiToken):
        return True
    return auth.can_write


class IsAgent(BasePermission):
    """Agents' endpoints (canned replies): the panel's `agent_required`, without the redirect."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_agent)


# What the API reads besides tickets. The caller is signed in and active (CallerMayUseApi);
# each scope starts from the pages' own gates (tickets, chat).


def may_see_people(user: User) -> bool:
    """The people and organizations: administrators, and managers (of their departments)."""
    if user.is_administrator:
        return True
    return bool(user.is_agent and user.managed_department_ids)


def people_for(user: User):
    """Everyone for an administrator; for a manager the agents of the departments they lead
    and the people who asked for those departments' tickets; nobody for anyone else."""
    if not may_see_people(user):
        return User.objects.none()
    if user.is_administrator:
        return User.objects.all()
    managed = sorted(user.managed_department_ids)
    members = DepartmentMembership.objects.filter(department_id__in=managed)
    requesters = visible_tickets(user).filter(department_id__in=managed)
    return User.objects.filter(
        Q(id__in=members.values("user_id")) | Q(id__in=requesters.values("requester_id"))
    )


def organizations_for(user: User):
    """The organizations of the people `user` sees."""
    if user.is_administrator:
        return Organization.objects.all()
    return Organization.objects.filter(id__in=people_for(user).values("organization_id"))


def api_chats_for(user: User):
    """Agents: the chats of their console; a customer: their own (both chat.permissions)."""
    if user.is_agent:
        return chats_for(user)
    return own_chats(user)


def service_orders_for(user: User):
    """The service orders of the tickets an agent may see; none for a customer."""
    if not user.is_agent:
        return ServiceOrder.objects.none()
    return ServiceOrder.objects.filter(ticket__in=visible_tickets(user).values("id"))


def tasks_for(user: User):
    """The tasks of the tickets an agent may see; none for a customer."""
    if not user.is_agent:
        return TicketTask.objects.none()
    return TicketTask.objects.filter(ticket__in=visible_tickets(user).values("id"))
