"""The ticket lists as CSV: an agent's queue or search, a customer's (or a master user's
organization's) list, with the filters and sort the page had, through the same gate.

The rows are read as values in chunks (no model instances, no query per row); the names of
configuration items are chosen in the reader's language, as on the pages.
"""

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime

from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from accounts.models import User
from tickets import queues, selectors
from tickets.agent_forms import QueueFilterForm
from tickets.forms import TicketFilterForm
from tickets.workflow import Status, customer_label

from .exports import is_portuguese

AGENT, PORTAL = "agent_list", "portal_list"
CHUNK = 2000
_NAMED = ("department", "category", "priority")
_VALUES = (
    "id", "number", "title", "status", "customer_spoke_last", "requester_id", "created_at",
    "updated_at",
    "due_at", "requester__full_name", "requester__email", "organization__name",
    "assignee__full_name",
    *(f"{kind}__{field}" for kind in _NAMED for field in ("name", "name_pt_br")),
)  # fmt: skip
HEADER = (
    _("Number"), _("Title"), _("Status"), _("Department"), _("Category"), _("Priority"),
    _("Requester"), _("Requester's e-mail"), _("Organization"), _("Agent"),
    pgettext_lazy("export column", "Opened"), pgettext_lazy("export column", "Updated"), _("Due"),
)  # fmt: skip


def known_params(kind: str, query: QueryDict) -> dict:
    """The page's filters from `query`, and nothing else, as the job keeps them."""
    names = (
        [*QueueFilterForm.base_fields, "agent"] if kind == AGENT else TicketFilterForm.base_fields
    )
    return {key: query.getlist(key)[:5] for key in names if key in query}


def list_tickets(user: User, kind: str, params: dict) -> QuerySet:
    """The tickets of the list `kind` as `user` sees it with the page's query `params`
    (invalid filters are dropped, as the page drops them), in the page's order."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    if kind == AGENT:
        form = QueueFilterForm(query)
        filters = form.cleaned_data if form.is_valid() else {}
        counts = queues.queues_for(user)
        name = filters.get("queue") if filters.get("queue") in counts else "new"
        tickets = queues.queue_tickets(user, name, filters)
        keys = queues.queue_sort_keys(filters.get("sort"))
    else:
        form = TicketFilterForm(query, user=user)
        filters = form.cleaned_data if form.is_valid() else {}
        tickets = selectors.portal_ticket_list(user, filters=filters)
        keys = selectors.portal_sort_keys(filters.get("sort"), TicketFilterForm.SORTS)
    ordering = []
    for key, descending in keys:
        expression = F(key) if isinstance(key, str) else key
        ordering.append(expression.desc() if descending else expression.asc())
    return tickets.order_by(*ordering)


def _name(row: dict, kind: str, portuguese: bool) -> str:
    return (portuguese and row[f"{kind}__name_pt_br"]) or row[f"{kind}__name"] or ""


def _when(value: datetime | None, portuguese: bool) -> str:
    # As a spreadsheet of the reader's locale reads a date: 01/12/2026 15:32, or ISO.
    shape = "%d/%m/%Y %H:%M" if portuguese else "%Y-%m-%d %H:%M"
    return timezone.localtime(value).strftime(shape) if value else ""


def _cells(row: dict, kind: str, portuguese: bool, reader_id: int | None) -> list:
    if kind == AGENT:
        status = Status(row["status"]).label
    else:  # a colleague's ticket waits for its requester, not for the reader (as on the page)
        status = customer_label(
            row["status"], customer_spoke_last=row["customer_spoke_last"],
            own=row["requester_id"] == reader_id,
        )  # fmt: skip
    return [
        row["number"],
        row["title"],
        str(status),
        *(_name(row, named, portuguese) for named in _NAMED),
        row["requester__full_name"] or "",
        row["requester__email"] or "",
        row["organization__name"] or "",
        row["assignee__full_name"] or "",
        *(_when(row[field], portuguese) for field in ("created_at", "updated_at", "due_at")),
    ]


def csv_lines(
    tickets: QuerySet,
    kind: str,
    *,
    language: str,
    reader_id: int | None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The list as CSV lines in `language` (UTF-8 with a BOM, `;` in Portuguese) as the person
    `reader_id` reads it, a chunk of rows at a time; `progress(rows written)` after each
    chunk."""
    with override(language):
        portuguese = is_portuguese()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";" if portuguese else ",", lineterminator="\r\n")
        writer.writerow([str(label) for label in HEADER])
        yield ("\ufeff" + _take(out)).encode("utf-8")
        written = 0
        rows = tickets.values(*_VALUES).iterator(chunk_size=CHUNK)
        for row in rows:
            writer.writerow(_cells(row, kind, portuguese, reader_id))
            written += 1
            if written % CHUNK == 0:
                yield _take(out).encode("utf-8")
                if progress is not None:
                    progress(written)
        yield _take(out).encode("utf-8")
        if progress is not None:
            progress(written)


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
