"""The gate of the live workspace: who may open its socket and what a ticket's page hears.

Tickets themselves go through `tickets.permissions` (`visible_tickets`, `get_ticket_for`): a
socket hears only of tickets its agent may see, and of a note being typed only where they
may read notes. Canned replies, which the workspace manages, have their gate here too.
"""

from django.db.models import Q

from accounts.models import User
from tickets import permissions as tickets_gate
from tickets.models import CannedReply, Ticket


def may_go_live(user) -> bool:
    """Opens the live socket: an active agent (or administrator)."""
    if not isinstance(user, User):
        return False
    if not user.is_active:
        return False
    return user.is_agent


def hears_typing(user: User, ticket: Ticket, what: str) -> bool:
    """Is told someone types a reply (anyone who sees the ticket) or a note (who reads notes)."""
    if what == "reply":
        return True
    return tickets_gate.works_on(user, ticket)


def may_change_canned_reply(user: User, reply: CannedReply) -> bool:
    """Edits or deletes a canned reply: its owner, a manager of the department it is shared
    with, or an administrator (who alone changes the replies of every department)."""
    if not user.is_active:
        return False
    if not user.is_agent:
        return False
    if user.is_administrator:
        return True
    if reply.owner_id == user.id:
        return True
    return reply.department_id in user.managed_department_ids


def changeable_canned_replies(user: User):
    """The canned replies `user` may change, as `may_change_canned_reply()` says."""
    if not user.is_active or not user.is_agent:
        return CannedReply.objects.none()
    if user.is_administrator:
        return CannedReply.objects.all()
    return CannedReply.objects.filter(
        Q(owner_id=user.id) | Q(department_id__in=sorted(user.managed_department_ids))
    )


def may_see_team(user) -> bool:
    """Opens the manager's view of the team: an administrator, or a manager of a department."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if not user.is_agent:
        return False
    return user.is_administrator or user.is_manager


def team_condition(user: User, *, prefix: str = "") -> Q:
    """The tickets of the team `user` oversees: every department for an administrator, the
    departments they lead for a manager, none for anyone else."""
    if not may_see_team(user):
        return Q(pk__in=[])
    if user.is_administrator:
        return Q()
    return Q(**{f"{prefix}department_id__in": sorted(user.managed_department_ids)})
