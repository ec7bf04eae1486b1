"""What the tickets keep whole in each process (`core.kept`): the configuration tables, the
agents and their departments. The select boxes of the panel and the portal draw from them."""

from django.db.models import Q

from accounts.models import Department, DepartmentMembership, User
from core import kept
from core.widgets import QuickSelect

from .models import Category, Priority, Product, ProgressLabel, Severity

CONFIGURATION = (Department, Category, Product, Priority, Severity, ProgressLabel)
STAFF = Q(role__in=User.STAFF_ROLES)
# What the select boxes show of an agent, and what the services ask of one they are given.
STAFF_FIELDS = ("email", "full_name", "role", "is_active", "is_technician", "language",
                "email_notifications")  # fmt: skip


def keep_configuration() -> None:
    for model in CONFIGURATION:
        kept.keep(model)
    kept.keep(User, where=STAFF, fields=STAFF_FIELDS)
    kept.keep(DepartmentMembership)


def display_name(row) -> str:
    return row.display_name


def agents_of(department_ids=None) -> list[User]:
    """The active agents of these departments (all of them: None), by name, from the kept
    tables."""
    staff = kept.table(User)
    if department_ids is None:
        chosen = set(staff)
    else:
        wanted = set(department_ids)
        chosen = {
            membership.user_id
            for membership in kept.table(DepartmentMembership).values()
            if membership.department_id in wanted
        }
    people = [staff[user_id] for user_id in chosen if user_id in staff]
    return sorted(
        (person for person in people if person.is_active), key=lambda p: p.full_name.casefold()
    )


def default_priority() -> Priority | None:
    """The active default priority, from the kept table (no query), or None."""
    return next((p for p in kept.rows(Priority, active_only=True) if p.is_default), None)


def configuration_field(model, *, label, active_only: bool = False, **kwargs):
    """An optional select box of a configuration table (filters, progress labels)."""
    kwargs.setdefault("widget", QuickSelect)
    kwargs.setdefault("required", False)
    where = (lambda row: row.is_active) if active_only else None
    return kept.KeptChoiceField(model, where=where, label_of=display_name, label=label, **kwargs)
