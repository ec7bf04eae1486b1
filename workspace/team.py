"""The manager's view of the team: open, waiting, overdue and due-today tickets per agent and
per department, each one's oldest waiting ticket, and who is online for chat.

Every figure comes from a few aggregate queries, however many agents or departments there
are; the tickets counted are those of `permissions.team_condition()`, the very tickets the
search's `team` filter gives, so each number links to the tickets behind it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Department, User
from chat.models import AgentPresence
from tickets.permissions import visible_tickets
from tickets.workflow import ACTIVE, Status

from .permissions import team_condition
from .selectors import DUE_TODAY, OPEN_GROUP, OVERDUE, due_condition

# The figures, in the order the page shows them: name -> the search's filters behind it.
FIGURES = {
    "open": {"status": OPEN_GROUP},
    "waiting": {"status": Status.WAITING_CUSTOMER.value},
    "overdue": {"status": OPEN_GROUP, "due": OVERDUE},
    "due_today": {"status": OPEN_GROUP, "due": DUE_TODAY},
}


@dataclass
class Oldest:
    number: int
    waiting_since: datetime


@dataclass
class Row:
    """One line of the view: an agent or a department, with its figures and search filters."""

    label: str
    filters: dict
    figures: dict = field(default_factory=dict)
    oldest: Oldest | None = None
    online: bool | None = None  # agents only


def _conditions(now) -> dict[str, Q]:
    return {
        "open": Q(status__in=ACTIVE),
        "waiting": Q(status=Status.WAITING_CUSTOMER),
        "overdue": due_condition(OVERDUE, now),
        "due_today": due_condition(DUE_TODAY, now),
    }


def _counted(tickets, key: str, now) -> dict:
    """key value -> {figure: count}, in one grouped query."""
    counts = {name: Count("id", filter=condition) for name, condition in _conditions(now).items()}
    rows = tickets.values(key).annotate(**counts).order_by(key)
    return {row.pop(key): row for row in rows}


def _oldest_waiting(tickets, key: str) -> dict:
    """key value -> the waiting ticket that has waited on its customer longest, in one query
    (the first row of each group by last update)."""
    rank = Window(RowNumber(), partition_by=[F(key)], order_by=[F("updated_at").asc(), F("id")])
    rows = (
        tickets.filter(status=Status.WAITING_CUSTOMER)
        .annotate(rank=rank)
        .filter(rank=1)
        .values_list(key, "number", "updated_at")
    )
    return {value: Oldest(number, since) for value, number, since in rows}


def team_view(user: User) -> dict:
    """The departments' and agents' rows `user` oversees, and the team's totals."""
    now = timezone.now()
    tickets = visible_tickets(user).filter(team_condition(user))
    active = tickets.filter(status__in=ACTIVE)
    departments = Department.objects.all()
    if not user.is_administrator:
        departments = departments.filter(id__in=sorted(user.managed_department_ids))
    by_department = _counted(active, "department_id", now)
    by_agent = _counted(active.filter(assignee__isnull=False), "assignee_id", now)
    oldest_of_department = _oldest_waiting(active, "department_id")
    oldest_of_agent = _oldest_waiting(active.filter(assignee__isnull=False), "assignee_id")
    # The team's agents: those of its departments, and anyone holding one of its tickets.
    members = Q(department_memberships__department__in=departments)
    agents = (
        User.objects.filter(role__in=User.STAFF_ROLES)
        .filter((Q(is_active=True) & members) | Q(id__in=sorted(by_agent)))
        .distinct()
        .order_by("full_name", "id")
        .only("id", "full_name")
    )
    online = set(
        AgentPresence.objects.filter(
            status=AgentPresence.Status.ONLINE, user__in=agents.values("id")
        ).values_list("user_id", flat=True)
    )
    empty = dict.fromkeys(FIGURES, 0)
    department_rows = [
        Row(
            label=department.display_name,
            filters={"team": "1", "department": department.id},
            figures=by_department.get(department.id, empty),
            oldest=oldest_of_department.get(department.id),
        )
        for department in departments
    ]
    agent_rows = [
        Row(
            label=agent.full_name,
            filters={"team": "1", "agent": agent.id},
            figures=by_agent.get(agent.id, empty),
            oldest=oldest_of_agent.get(agent.id),
            online=agent.id in online,
        )
        for agent in agents
    ]
    totals = {name: sum(row.figures[name] for row in department_rows) for name in FIGURES}
    oldest = min(oldest_of_department.values(), key=lambda o: (o.waiting_since, o.number),
                 default=None)  # fmt: skip
    return {
        "departments": department_rows,
        "agents": agent_rows,
        "total": Row(label="", filters={"team": "1"}, figures=totals, oldest=oldest),
        "online_count": len(online),
        "figures": list(FIGURES),
    }


def search_filters(row: Row, figure: str) -> dict:
    """The search's parameters for the tickets behind `row`'s `figure`."""
    return {**row.filters, **FIGURES[figure]}
