"""The gate of the reports: who sees them, and which tickets their figures count.

Managers see their departments' figures, administrators everyone's; anyone else gets 404.
Every figure starts from `report_tickets()`, itself scoped by the tickets' own gate
(`tickets.permissions.visible_tickets`).
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import User
from tickets.permissions import visibility, visible_tickets


def may_see_reports(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User):
        return False
    if not user.is_active:
        return False
    if user.is_administrator:
        return True
    return bool(user.is_agent and user.managed_department_ids)


def check_reports(user: User | AnonymousUser) -> None:
    """Raise 404 unless `user` may see the reports (an agent need not know they exist)."""
    if not may_see_reports(user):
        raise Http404


def report_department_ids(user: User) -> frozenset[int] | None:
    """The departments whose figures `user` sees; None for all of them."""
    if user.is_administrator:
        return None
    return user.managed_department_ids


def report_tickets(user: User):
    """The tickets the reports of `user` count: visible to them and, for a manager, of the
    departments they manage (not the tickets they merely asked for elsewhere)."""
    tickets = visible_tickets(user)
    if not may_see_reports(user):
        return tickets.none()
    departments = report_department_ids(user)
    if departments is None:
        return tickets
    return tickets.filter(department_id__in=sorted(departments))


def report_facts(user: User, model):
    """The rows of the reports' rollup (`model`: TicketFact or EntryFact) of the tickets
    `report_tickets(user)` gives: the same condition on the copied columns (the rollup holds
    no ticket in the trash)."""
    if not may_see_reports(user):
        return model.objects.none()
    departments = report_department_ids(user)
    if departments is None:
        return model.objects.all()
    return model.objects.filter(visibility(user), department_id__in=sorted(departments))


def report_days(user: User, model):
    """The per-day counts of the rollup (`model`: TicketDay, StatusDay or AuthorDay) of the tickets
    `report_tickets(user)` gives. A manager's departments are among their own, whose tickets
    they all see, so the department is the whole condition (the counts keep no people)."""
    if not may_see_reports(user):
        return model.objects.none()
    departments = report_department_ids(user)
    if departments is None:
        return model.objects.all()
    return model.objects.filter(department_id__in=sorted(departments))
