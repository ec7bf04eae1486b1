"""The gate of the live workspace: who may open its socket and what a ticket's page hears.

Tickets themselves go through `tickets.permissions` (`visible_tickets`, `get_ticket_for`): a
socket hears only of tickets its agent may see, and of a note being typed only where they
may read notes. Canned replies, macros and saved views, which the workspace manages, have
their gate here too.
"""

from django.db.models import Q

from accounts.models import User
from tickets import permissions as tickets_gate
from tickets.models import CannedReply, Ticket

from .models import Macro, SavedView


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


def _may_change_shared(user: User, thing: CannedReply | Macro) -> bool:
    # Canned replies and macros: personal (an owner) or shared with a department.
    if not user.is_active:
        return False
    if not user.is_agent:
        return False
    if user.is_administrator:
        return True
    if thing.owner_id == user.id:
        return True
    return thing.department_id in user.managed_department_ids


def _changeable_shared(user: User, model):
    if not user.is_active or not user.is_agent:
        return model.objects.none()
    if user.is_administrator:
        return model.objects.all()
    return model.objects.filter(
        Q(owner_id=user.id) | Q(department_id__in=sorted(user.managed_department_ids))
    )


def may_change_canned_reply(user: User, reply: CannedReply) -> bool:
    """Edits or deletes a canned reply: its owner, a manager of the department it is shared
    with, or an administrator (who alone changes the replies of every department)."""
    return _may_change_shared(user, reply)


def changeable_canned_replies(user: User):
    """The canned replies `user` may change, as `may_change_canned_reply()` says."""
    return _changeable_shared(user, CannedReply)


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


def may_change_macro(user: User, macro: Macro) -> bool:
    """Edits or deletes a macro: its owner, a manager of the department it is shared with, or
    an administrator."""
    return _may_change_shared(user, macro)


def changeable_macros(user: User):
    """The macros `user` may change, as `may_change_macro()` says."""
    return _changeable_shared(user, Macro)


def usable_macros(user: User):
    """The macros `user` may apply: their own and those shared with their departments (an
    administrator: every shared one). What a macro does to a ticket is checked again, action
    by action, by the ticket's services."""
    if not user.is_active or not user.is_agent:
        return Macro.objects.none()
    if user.is_administrator:
        return Macro.objects.filter(Q(owner_id=user.id) | Q(department__isnull=False))
    return Macro.objects.filter(
        Q(owner_id=user.id) | Q(department_id__in=sorted(user.department_ids))
    )


def may_share_macro_with(user: User, department_id: int) -> bool:
    """Shares a macro with a department: an administrator, or a manager of it."""
    if user.is_administrator:
        return True
    return department_id in user.managed_department_ids


def visible_saved_views(user: User):
    """The saved views `user` may open: their own, those shared with one of their departments,
    and (for an administrator) every shared one. Another's personal view is nobody's else."""
    if not user.is_active or not user.is_agent:
        return SavedView.objects.none()
    shared = Q(department_id__in=sorted(user.department_ids))
    if user.is_administrator:
        shared = Q(department__isnull=False)
    return SavedView.objects.filter(Q(owner_id=user.id) | shared)


def may_change_saved_view(user: User, view: SavedView) -> bool:
    """Renames or deletes a view: its owner, a manager of the department it is shared with,
    or an administrator (for the shared ones: another's personal view stays theirs)."""
    if view.owner_id == user.id:
        return True
    if view.department_id is None:
        return False
    if user.is_administrator:
        return True
    return view.department_id in user.managed_department_ids


def sharing_department_ids(user: User) -> frozenset[int] | None:
    """The departments `user` may share a view with: those they manage; every one (None) for
    an administrator."""
    if user.is_administrator:
        return None
    return frozenset(user.managed_department_ids)
