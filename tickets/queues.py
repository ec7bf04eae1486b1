"""The agent panel's queues (S3 §3): each a filter over what the agent may see."""

from datetime import timedelta

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Now, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import workflow
from .models import QueueCount, ServiceOrder, Ticket, TicketEntry, TicketTask
from .models.ticket import DUE_SORT_KEY
from .permissions import visible_tickets
from .search import text_match
from .selectors import thread_of
from .workflow import Status

S = Status
ACTIVE = list(workflow.ACTIVE)

# The columns the queues' conditions read (all in the indexes of active tickets).
QUEUE_COLUMNS = ("department_id", "assignee_id", "status", "customer_spoke_last",
                 "first_response_at", "parent_id")  # fmt: skip

TITLES = {
    "new": _("New"),
    "customer_replied": _("Customer replied"),
    "claimed": _("Claimed, no reply yet"),
    "waiting": _("Waiting on customer"),
    "pending": _("Pending"),
    "mine": _("My open"),
    "team_open": _("Team open"),
    "team_waiting": _("Team awaiting action"),
    "escalations": _("Escalations"),
    "all": _("All open"),
}


def queues_for(user: User, *, active=None) -> dict[str, Q]:
    """Name -> condition, in the order the panel shows them; team queues for leaders only.

    `active` is the condition of an active ticket; the counts pass Q() (always true) as they
    read active tickets only, and PostgreSQL then tests the status of each far less often.
    """
    mine = Q(assignee_id=user.id)
    active = Q(status__in=ACTIVE) if active is None else active
    departments = Q() if user.is_administrator else Q(department_id__in=user.department_ids)
    queues = {
        "new": active & departments & Q(assignee__isnull=True),
        "customer_replied": mine
        & Q(status__in=[S.OPEN, S.REOPENED, S.PENDING], customer_spoke_last=True)
        & Q(first_response_at__isnull=False),
        "claimed": mine & active & Q(first_response_at__isnull=True),
        "waiting": mine & Q(status=S.WAITING_CUSTOMER),
        "pending": mine & Q(status=S.PENDING),
        # Everything of mine not yet resolved, whoever spoke last (the queues above miss an
        # open ticket I answered last without waiting on the customer).
        "mine": mine & active,
    }
    if user.is_administrator or user.is_manager:
        team = Q() if user.is_administrator else Q(department_id__in=user.managed_department_ids)
        assigned = team & active & Q(assignee__isnull=False)
        queues["team_open"] = assigned & Q(first_response_at__isnull=False)
        queues["team_waiting"] = assigned & Q(first_response_at__isnull=True)
    queues["escalations"] = active & Q(parent__isnull=False)
    queues["all"] = active
    return queues


def queue_counts(user: User) -> dict[str, int]:
    """Every queue's count in one query.

    What an agent sees is split into parts that do not overlap (their departments' tickets,
    then those assigned to them elsewhere, then those they asked for elsewhere, then those
    they opened for customers elsewhere). On PostgreSQL the first two are read from
    QueueCount, a few hundred rows kept by a trigger; the others, and everything elsewhere,
    from one index of active tickets alone. The queues' conditions then add up the rows of
    those parts.
    """
    names = list(queues_for(user))
    statement = _counts_sql(user)
    if statement is None:  # an agent of no department, with nothing assigned
        return dict.fromkeys(names, 0)
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return dict(zip(names, cursor.fetchone(), strict=True))


def compact_queue_counts() -> int:
    """Fold QueueCount's rows into one a key (Celery beat, every minute); the rows left.

    One statement: rows the trigger adds meanwhile are not seen by it and stay as they are.
    """
    if not counts_are_kept():
        return 0
    columns = _COUNT_KEY
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH folded AS (DELETE FROM tickets_queuecount RETURNING {columns}, change) "  # noqa: S608
            f"INSERT INTO tickets_queuecount ({columns}, change) "
            f"SELECT {columns}, SUM(change) FROM folded GROUP BY {columns} "
            "HAVING SUM(change) <> 0"
        )
        return cursor.rowcount


def rebuild_queue_counts() -> int:
    """Count QueueCount again from the tickets (manage.py queue_counts --rebuild): after
    changes no trigger saw (TRUNCATE, loaddata of a dump that held its rows, triggers off).
    Ticket writes wait meanwhile; the rows it wrote."""
    if not counts_are_kept():
        return 0
    columns = _COUNT_KEY
    active = ", ".join(f"'{status.value}'" for status in ACTIVE)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE tickets_ticket IN SHARE MODE")
        cursor.execute("DELETE FROM tickets_queuecount")
        cursor.execute(
            f"INSERT INTO tickets_queuecount ({columns}, change) "  # noqa: S608 - our statuses
            "SELECT department_id, COALESCE(assignee_id, 0), status, customer_spoke_last, "
            "first_response_at IS NOT NULL, parent_id IS NOT NULL, COUNT(*) "
            f"FROM tickets_ticket WHERE trashed_at IS NULL AND status IN ({active}) "
            "GROUP BY 1, 2, 3, 4, 5, 6"
        )
        return cursor.rowcount


# QueueCount's key, as its table names it.
_COUNT_KEY = "department_id, assignee_key, status, customer_spoke_last, answered, escalation"


def counts_are_kept() -> bool:
    """Whether QueueCount is kept (by the trigger of migration 0008, on PostgreSQL only)."""
    return connection.vendor == "postgresql"


# Compiling the statement costs more than PostgreSQL takes to run it, and it is the same for
# every page an agent opens: it is kept per process, keyed by everything of the user that
# the permission gate and the queues read.
_COUNTS_SQL: dict[tuple, tuple[str, list] | None] = {}
_COUNTS_SQL_MAX = 1000


def _counts_sql(user: User) -> tuple[str, list] | None:
    key = (connection.alias, connection.vendor, user.pk, user.is_active, user.role,
           user.is_master, user.organization_id, tuple(sorted(user.department_ids)),
           tuple(sorted(user.managed_department_ids)))  # fmt: skip
    if key not in _COUNTS_SQL:
        if len(_COUNTS_SQL) >= _COUNTS_SQL_MAX:
            _COUNTS_SQL.clear()
        _COUNTS_SQL[key] = _compile_counts(user)
    return _COUNTS_SQL[key]


def _compile_counts(user: User) -> tuple[str, list] | None:
    queues = queues_for(user, active=Q())  # every row counted below is active
    try:
        rows_sql, rows_params = _counted_rows(user).query.sql_with_params()
    except EmptyResultSet:
        return None
    counts, params = [], []
    for condition in queues.values():
        sql, condition_params = _where(condition)
        counts.append(
            f"COALESCE(SUM(n) FILTER (WHERE {sql}), 0)"
            if connection.features.supports_aggregate_filter_clause
            else f"COALESCE(SUM(CASE WHEN {sql} THEN n ELSE 0 END), 0)"
        )
        params.extend(condition_params)
    # The parts keep the table's name and column names, so the conditions read them as is.
    table = connection.ops.quote_name(Ticket._meta.db_table)
    sql = f"SELECT {', '.join(counts)} FROM ({rows_sql}) AS {table}"  # noqa: S608 - compiled
    return sql, [*params, *rows_params]


def _counted_rows(user: User):
    """The active tickets `user` sees as rows of QUEUE_COLUMNS and `n`, how many tickets the
    row stands for (1 for a ticket, the sum of a QueueCount key)."""
    parts = _disjoint_parts(user)
    tickets = (
        visible_tickets(user)
        .filter(status__in=ACTIVE)
        .order_by()
        .annotate(n=Value(1))
        .values(*QUEUE_COLUMNS, "n")
    )
    if not counts_are_kept():
        rows = [tickets.filter(part) for part in parts]
        return rows[0].union(*rows[1:], all=True)
    # QueueCount holds every active ticket: the first two parts are its rows of the agent's
    # departments and of the agent.
    if user.is_administrator:
        kept, rest = Q(), []
    else:
        kept = Q(department_id__in=user.department_ids) | Q(assignee_key=user.id)
        rest = parts[2:]
    rows = (
        QueueCount.objects.filter(kept)
        .annotate(
            # The tickets' columns, as the queues' conditions read them.
            assignee_id=NullIf("assignee_key", Value(0)),
            first_response_at=Case(When(answered=True, then=Now())),
            parent_id=Case(When(escalation=True, then=Value(0))),
            n=F("change"),
        )
        .values(*QUEUE_COLUMNS, "n")
    )
    return rows.union(*[tickets.filter(part) for part in rest], all=True)


def _where(condition: Q) -> tuple[str, list]:
    query = Ticket.objects.filter(condition).query
    try:
        return query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return "1 = 0", []
    except FullResultSet:
        return "1 = 1", []


def _disjoint_parts(user: User) -> list[Q]:
    if user.is_administrator:
        return [Q()]
    departments = Q(department_id__in=user.department_ids)
    mine = Q(assignee_id=user.id)
    asked = Q(requester_id=user.id)
    opened = Q(submitter_id=user.id)
    return [
        departments,
        mine & ~departments,
        asked & ~departments & ~mine,
        opened & ~departments & ~mine & ~asked,  # sent elsewhere by a plan (S1), say
    ]


# A ticket with no priority sorts after every priority, as one with no due date does.
_PRIORITY = Coalesce("priority__position", Value(2**15))
SORTS: dict[str, list] = {
    "due": [(DUE_SORT_KEY, False), ("id", False)],
    "-due": [(DUE_SORT_KEY, True), ("id", True)],
    "updated": [("updated_at", False), ("id", False)],
    "-updated": [("updated_at", True), ("id", True)],
    "number": [("number", False)],
    "-number": [("number", True)],
    "priority": [(_PRIORITY, False), ("updated_at", True), ("id", True)],
    "-priority": [(_PRIORITY, True), ("updated_at", True), ("id", True)],
}


def queue_sort_keys(sort: str | None) -> list:
    """The queue's seek keys (tickets.paging); by due date unless asked otherwise."""
    return SORTS.get(sort or "due", SORTS["due"])


def queue_tickets(user: User, name: str, filters: dict):
    queues = queues_for(user)
    tickets = visible_tickets(user).filter(queues.get(name, queues["all"]))
    for field in ("department", "category", "priority"):
        if filters.get(field):
            tickets = tickets.filter(**{field: filters[field]})
    if filters.get("agent"):
        tickets = tickets.filter(assignee=filters["agent"])
    due = filters.get("due")
    now = timezone.now()
    if due == "overdue":
        tickets = tickets.filter(due_at__lt=now, sla_paused_at__isnull=True)
    elif due == "today":
        tickets = tickets.filter(due_at__lt=now + timedelta(days=1))
    elif due == "week":
        tickets = tickets.filter(due_at__lt=now + timedelta(days=7))
    if filters.get("q"):
        tickets = tickets.filter(text_match(filters["q"], notes_for=user))
    # The columns the queue's rows show (templates/agent/queues.html), not the whole rows of
    # six tables: compiling, reading and building those cost more than the query.
    return tickets.select_related("requester", "organization", "assignee").only(*ROW_FIELDS)


ROW_FIELDS = ("number", "title", "parent", "kind", "status", "due_at", "sla_paused_at",
              "updated_at", "department", "priority", "requester__full_name",
              "organization__name", "assignee__full_name")  # fmt: skip


def agent_thread(ticket: Ticket, *, notes: bool = True, reader: User | None = None):
    """The whole history, events included, in a fixed number of queries; internal notes only
    when `notes` (for those who work on the ticket, not merely see it), else only those the
    `reader` wrote (an agent whose attendance sent the ticket to another team)."""
    internal = Q(kind__in=[TicketEntry.Kind.NOTE, TicketEntry.Kind.EMAIL])
    if not notes and reader is not None:
        internal &= ~Q(author_id=reader.id)
    entries = ticket.entries.all() if notes else ticket.entries.exclude(internal)
    return thread_of(entries)


def sidebar_flags() -> dict:
    """What the agent's ticket page asks of the ticket in the query that reads it: whether it
    has service orders, tasks and escalations. Most have none, and then cost no query each."""
    return {
        "has_service_orders": Exists(ServiceOrder.objects.filter(ticket_id=OuterRef("pk"))),
        "has_tasks": Exists(TicketTask.objects.filter(ticket_id=OuterRef("pk"))),
        "has_children": Exists(
            Ticket.objects.filter(parent_id=OuterRef("pk"), trashed_at__isnull=True)
        ),
    }


def children_with_latest_reply(ticket: Ticket) -> list:
    """The escalations of a ticket, each with its latest message as `latest_text` and
    `latest_at` (S3 §4.6). Most tickets have none: the messages are asked for only when some
    are there (one query for a ticket without escalations, two with)."""
    children = list(
        ticket.children.filter(trashed_at__isnull=True)
        .select_related("assignee")
        .order_by("created_at")
    )
    if children:
        latest = TicketEntry.objects.filter(
            ticket_id=OuterRef("id"), kind__in=[TicketEntry.Kind.MESSAGE, TicketEntry.Kind.REPLY]
        ).order_by("-created_at", "-id")
        replies = dict.fromkeys([child.id for child in children], ("", None))
        replies.update(
            (child_id, (text, at))
            for child_id, text, at in Ticket.objects.filter(id__in=replies)
            .annotate(
                latest_text=Subquery(latest.values("body_text")[:1]),
                latest_at=Subquery(latest.values("created_at")[:1]),
            )
            .values_list("id", "latest_text", "latest_at")
        )
        for child in children:
            child.latest_text, child.latest_at = replies[child.id]  # type: ignore[attr-defined]
    return children


def time_totals(entries) -> tuple[int, list[tuple[str, int]]]:
    """Minutes worked on a ticket, in all and per agent (S3 §4.9), from its whole thread
    as `agent_thread()` reads it (the page has it in hand: no query of its own)."""
    per_agent: dict[str, int] = {}
    for entry in entries:
        if entry.minutes is not None:
            name = entry.author.full_name if entry.author else ""
            per_agent[name] = per_agent.get(name, 0) + entry.minutes
    rows = sorted(per_agent.items(), key=lambda row: -row[1])
    return sum(per_agent.values()), rows


def has_open_children(children) -> bool:
    """`services.agent.has_open_children()` over the list `children_with_latest_reply()` read."""
    return any(child.status not in (Status.RESOLVED, Status.CLOSED) for child in children)


def requester_card(ticket: Ticket, user: User):
    """The requester's other tickets the agent may see, newest first, and how many (one query)."""
    others = (
        visible_tickets(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(id=ticket.id)
        .annotate(total=Window(Count("id")))
        .order_by("-created_at")
    )
    shown = list(others[:5])
    return shown, shown[0].total if shown else 0


def minutes_per_agent(user: User, *, since=None):
    """Time worked by each agent the user may see tickets of (S3 §4.9 totals per agent)."""
    entries = TicketEntry.objects.filter(minutes__isnull=False, ticket__in=visible_tickets(user))
    if since:
        entries = entries.filter(created_at__gte=since)
    return list(
        entries.values("author__full_name").annotate(total=Sum("minutes")).order_by("-total")
    )
