"""Each report's figures as tables: what the page shows (and charts), and what the exports
write. A column says what kind of value it holds, so that each format writes it its way."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tickets.models import ServiceOrder
from tickets.workflow import ACTIVE

from .filters import Filters

SERVICE_ORDER_STATUSES = ServiceOrder.Status.choices
# Tickets counted (not the date a ticket was created or resolved).
COUNTED = {
    "created": pgettext_lazy("tickets counted", "Created"),
    "resolved": pgettext_lazy("tickets counted", "Resolved"),
    "closed": pgettext_lazy("tickets counted", "Closed"),
    "reopened": pgettext_lazy("tickets counted", "Reopened"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text, int, decimal (two places), percent, hours (from seconds), stars, date, datetime,
    # ticket (a ticket number, linked on the page)
    kind: str = "int"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    # {"type": "line" | "bar", "series": [column keys]}: the first column labels the points.
    chart: dict | None = None
    note: str = ""

    def cells(self, row: dict) -> list[tuple[Column, object]]:
        return [(column, row.get(column.key)) for column in self.columns]


@dataclass
class Figure:
    label: str
    value: object
    kind: str = "int"
    previous: object = None

    @property
    def change(self):
        if not isinstance(self.value, int | float) or not isinstance(self.previous, int | float):
            return None
        return self.value - self.previous


@dataclass
class Built:
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def seconds_to_hours(seconds):
    return None if seconds is None else round(seconds / 3600, 2)


def display(value, kind: str) -> str:
    """A cell as the page shows it, in the active language's number and date formats."""
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return f"{formats.number_format(value, 1)} %"
    if kind in ("decimal", "hours"):
        return formats.number_format(value, 2, use_l10n=True)
    if kind == "stars":
        return formats.number_format(value, 1)
    if kind == "int":
        return formats.number_format(value, 0, force_grouping=True)
    if kind == "datetime" and isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if kind == "date" and isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == "ticket":
        return f"#{value}"
    return str(value)


def bucket_label(day: date, grain: str) -> str:
    if grain == "month":
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _previous(data, *keys):
    found = data.get("previous")
    for key in keys:
        if found is None:
            return None
        found = found.get(key)
    return found


def build_volume(data: dict, filters: Filters) -> Built:
    start = Column("start", _("Period"), "text")
    counts = [
        Column("created", COUNTED["created"]),
        Column("resolved", COUNTED["resolved"]),
        Column("closed", COUNTED["closed"]),
        Column("reopened", COUNTED["reopened"]),
    ]
    rows = [{**row, "start": bucket_label(row["start"], filters.grain)} for row in data["rows"]]
    backlog = [{**row, "day": bucket_label(row["day"], "day")} for row in data["backlog"]]
    statuses = [Column(status.value, status.label) for status in ACTIVE]
    return Built(
        figures=[
            Figure(column.label, data["totals"][column.key], "int", _previous(data, column.key))
            for column in counts
        ],
        tables=[
            Table(
                "volume",
                _("Tickets per period"),
                [start, *counts],
                rows,
                chart={"type": "bar", "series": [c.key for c in counts]},
            ),
            Table(
                "backlog",
                _("Open by status, each day"),
                [Column("day", _("Day"), "text"), *statuses, Column("total", _("Open tickets"))],
                backlog,
                chart={"type": "line", "series": [column.key for column in statuses]},
            ),
        ],
    )


GROUP_TITLES = {
    "department_id": _("By department"),
    "assignee_id": _("By agent"),
    "category_id": _("By category"),
    "priority_id": _("By priority"),
    "organization_id": _("By organization"),
}
NOBODY = _("(none)")


def build_times(data: dict, filters: Filters) -> Built:
    def stat(found, name):
        return seconds_to_hours((found or {}).get(name))

    columns = [
        Column("name", _("Name"), "text"),
        Column("first_count", _("Answered")),
        Column("first_median", _("First response, median (h)"), "hours"),
        Column("first_p90", _("First response, 90th percentile (h)"), "hours"),
        Column("resolution_count", COUNTED["resolved"]),
        Column("resolution_median", _("Resolution, median (h)"), "hours"),
        Column("resolution_p90", _("Resolution, 90th percentile (h)"), "hours"),
    ]
    tables = []
    for group, found in data["groups"].items():
        rows = [
            {
                "name": row["name"] or NOBODY,
                "first_count": (row["first_response"] or {}).get("count", 0),
                "first_median": stat(row["first_response"], "median"),
                "first_p90": stat(row["first_response"], "p90"),
                "resolution_count": (row["resolution"] or {}).get("count", 0),
                "resolution_median": stat(row["resolution"], "median"),
                "resolution_p90": stat(row["resolution"], "p90"),
            }
            for row in found
        ]
        chart = {"type": "bar", "series": ["first_median", "resolution_median"]}
        tables.append(
            Table(
                group,
                GROUP_TITLES[group],
                columns,
                rows,
                chart=chart if group == "department_id" else None,
            )
        )
    totals = data["totals"]
    previous = data.get("previous") or {}
    figures = [
        Figure(
            _("First response, median (h)"),
            stat(totals["first_response"], "median"),
            "hours",
            stat(previous.get("first_response"), "median") if previous else None,
        ),
        Figure(
            _("First response, 90th percentile (h)"),
            stat(totals["first_response"], "p90"),
            "hours",
            stat(previous.get("first_response"), "p90") if previous else None,
        ),
        Figure(
            _("Resolution, median (h)"),
            stat(totals["resolution"], "median"),
            "hours",
            stat(previous.get("resolution"), "median") if previous else None,
        ),
        Figure(
            _("Resolution, 90th percentile (h)"),
            stat(totals["resolution"], "p90"),
            "hours",
            stat(previous.get("resolution"), "p90") if previous else None,
        ),
    ]
    for table in tables:
        table.note = str(TIMES_NOTE)
    return Built(figures=figures, tables=tables)


TIMES_NOTE = _(
    "Hours from opening, without the time the SLA clock stood still (waiting on the customer,"
    " resolved). Resolution counts tickets resolved or closed in the period and not reopened"
    " since."
)


def build_sla(data: dict, filters: Filters) -> Built:
    totals = data["totals"]
    share_columns = [
        Column("name", _("Department"), "text"),
        Column("first_in_time", _("Answered in time")),
        Column("first_late", _("Answered late or overdue")),
        Column("first_share", _("First response within SLA"), "percent"),
        Column("resolution_in_time", _("Resolved in time")),
        Column("resolution_late", _("Resolved late or overdue")),
        Column("resolution_share", _("Resolution within SLA"), "percent"),
    ]
    breach_columns = [
        Column("number", _("Ticket"), "ticket"),
        Column("title", _("Title"), "text"),
        Column("department", _("Department"), "text"),
        Column("agent", _("Agent"), "text"),
        Column("first_response_due_at", _("First response due"), "datetime"),
        Column("first_response_at", _("First response"), "datetime"),
        Column("due_at", _("Resolution due"), "datetime"),
        Column("finished_at", _("Resolved"), "datetime"),
    ]
    note = ""
    if data["breach_count"] > len(data["breaches"]):
        note = str(_("The %(shown)s newest of %(count)s breaches.")) % {
            "shown": len(data["breaches"]),
            "count": data["breach_count"],
        }
    return Built(
        figures=[
            Figure(
                _("First response within SLA"),
                totals["first_share"],
                "percent",
                _previous(data, "first_share"),
            ),
            Figure(
                _("Resolution within SLA"),
                totals["resolution_share"],
                "percent",
                _previous(data, "resolution_share"),
            ),
            Figure(
                _("Tickets with a breach"), data["breach_count"], "int", _previous(data, "breached")
            ),
        ],
        tables=[
            Table(
                "departments",
                _("By department"),
                share_columns,
                [{**row, "name": row["name"] or NOBODY} for row in data["departments"]],
                chart={"type": "bar", "series": ["first_share", "resolution_share"]},
            ),
            Table("breaches", _("Breaches"), breach_columns, data["breaches"], note=note),
        ],
    )


def build_satisfaction(data: dict, filters: Filters) -> Built:
    totals = data["totals"]
    average = [
        Column("name", _("Name"), "text"),
        Column("count", _("Ratings")),
        Column("average", _("Average stars"), "stars"),
    ]
    named = lambda rows: [{**row, "name": row["name"] or NOBODY} for row in rows]  # noqa: E731
    return Built(
        figures=[
            Figure(_("Average stars"), totals["average"], "stars", _previous(data, "average")),
            Figure(_("Ratings"), totals["count"], "int", _previous(data, "count")),
            Figure(
                _('Answered "not solved"'),
                totals["not_solved_share"],
                "percent",
                _previous(data, "not_solved_share"),
            ),
        ],
        tables=[
            Table(
                "stars",
                _("Stars given"),
                [Column("score", _("Stars"), "text"), Column("count", _("Ratings"))],
                data["stars"],
                chart={"type": "bar", "series": ["count"]},
            ),
            Table("agents", _("By agent"), average, named(data["agents"])),
            Table("departments", _("By department"), average, named(data["departments"])),
            Table(
                "comments",
                _("Comments"),
                [
                    Column("number", _("Ticket"), "ticket"),
                    Column("title", _("Title"), "text"),
                    Column("agent", _("Agent"), "text"),
                    Column("score", _("Stars")),
                    Column("comment", _("Comment"), "text"),
                    Column("created_at", _("Rated"), "datetime"),
                ],
                data["comments"],
            ),
        ],
    )


def build_time_worked(data: dict, filters: Filters) -> Built:
    hours_columns = [Column("minutes", _("Minutes")), Column("hours", _("Hours"), "decimal")]
    billable_columns = [
        Column("billable_minutes", _("Billable minutes")),
        Column("billable_hours", _("Billable hours"), "decimal"),
    ]
    named = [Column("name", _("Name"), "text"), *hours_columns, *billable_columns]

    def with_names(rows):
        return [{**row, "name": row["name"] or NOBODY} for row in rows]

    periods = [
        {**row, "start": bucket_label(row["start"], filters.grain)} for row in data["periods"]
    ]
    totals = data["totals"]
    return Built(
        figures=[
            Figure(_("Hours worked"), totals["hours"], "decimal", _previous(data, "hours")),
            Figure(
                _("Billable hours"),
                totals["billable_hours"],
                "decimal",
                _previous(data, "billable_hours"),
            ),
        ],
        tables=[
            Table(
                "periods",
                _("Per period"),
                [Column("start", _("Period"), "text"), *hours_columns],
                periods,
                chart={"type": "bar", "series": ["hours"]},
            ),
            Table(
                "agents",
                _("By agent"),
                named,
                with_names(data["agents"]),
                chart={"type": "bar", "series": ["hours", "billable_hours"]},
            ),
            Table(
                "organizations",
                _("By organization (billable)"),
                named,
                with_names(data["organizations"]),
                chart={"type": "bar", "series": ["billable_hours"]},
                note=str(_("Billable: the time entries the agent left ticked as billable.")),
            ),
            Table("categories", _("By category"), named, with_names(data["categories"])),
            Table(
                "tickets",
                _("Tickets with the most time"),
                [
                    Column("number", _("Ticket"), "ticket"),
                    Column("title", _("Title"), "text"),
                    Column("organization", _("Organization"), "text"),
                    *hours_columns,
                    *billable_columns,
                ],
                data["tickets"],
            ),
        ],
    )


def build_agents(data: dict, filters: Filters) -> Built:
    rows = [
        {**row, "first_response_median": seconds_to_hours(row["first_response_median"])}
        for row in data["rows"]
    ]
    columns = [
        Column("name", _("Agent"), "text"),
        Column("claimed", _("Claimed")),
        Column("replies", _("Replies")),
        Column("resolved", COUNTED["resolved"]),
        Column("first_response_median", _("First response, median (h)"), "hours"),
        Column("rating_average", _("Average stars"), "stars"),
        Column("ratings", _("Ratings")),
        Column("hours", _("Hours worked"), "decimal"),
    ]
    return Built(
        tables=[
            Table(
                "agents",
                _("By agent"),
                columns,
                rows,
                chart={"type": "bar", "series": ["replies", "resolved"]},
            )
        ]
    )


def build_chat(data: dict, filters: Filters) -> Built:
    totals = data["totals"]
    wait, length = data["wait"] or {}, data["length"] or {}
    minutes = lambda seconds: None if seconds is None else round(seconds / 60, 2)  # noqa: E731
    days = [{**row, "start": bucket_label(row["start"], filters.grain)} for row in data["days"]]
    hours = [{"hour": f"{row['hour']:02d}h", "count": row["count"]} for row in data["hours"]]
    summary = [
        {"name": _("Chats"), "value": totals["count"]},
        {"name": _("Accepted"), "value": totals["accepted"]},
        {"name": _("Abandoned (ended before an agent accepted)"), "value": totals["abandoned"]},
        {"name": _("Turned into tickets"), "value": totals["ticketed"]},
        {
            "name": _("Wait before an agent accepted, median (min)"),
            "value": minutes(wait.get("median")),
        },
        {
            "name": _("Wait before an agent accepted, 90th percentile (min)"),
            "value": minutes(wait.get("p90")),
        },
        {"name": _("Length, median (min)"), "value": minutes(length.get("median"))},
        {"name": _("Length, 90th percentile (min)"), "value": minutes(length.get("p90"))},
        {"name": _("Ratings"), "value": totals["ratings"]},
        {"name": _("Average stars"), "value": totals["rating_average"]},
    ]
    return Built(
        figures=[
            Figure(_("Chats"), totals["count"], "int", _previous(data, "count")),
            Figure(
                _("Abandoned"),
                totals["abandoned_share"],
                "percent",
                _previous(data, "abandoned_share"),
            ),
            Figure(
                _("Wait before an agent accepted, median (min)"),
                minutes(wait.get("median")),
                "decimal",
            ),
            Figure(
                _("Average stars"),
                totals["rating_average"],
                "stars",
                _previous(data, "rating_average"),
            ),
        ],
        tables=[
            Table(
                "days",
                _("Chats per period"),
                [Column("start", _("Period"), "text"), Column("count", _("Chats"))],
                days,
                chart={"type": "bar", "series": ["count"]},
            ),
            Table(
                "hours",
                _("Chats per hour of the day"),
                [Column("hour", _("Hour"), "text"), Column("count", _("Chats"))],
                hours,
                chart={"type": "bar", "series": ["count"]},
            ),
            Table(
                "summary",
                _("Summary"),
                [Column("name", _("Figure"), "text"), Column("value", _("Value"), "decimal")],
                summary,
                note=str(_("Chats follow the department and agent filters only.")),
            ),
        ],
    )


def build_attendance(data: dict, filters: Filters) -> Built:
    totals = data["totals"]
    counted = [Column("name", _("Name"), "text"), Column("count", _("Attendances"))]
    portuguese = (get_language() or "").lower().startswith("pt")

    def named(rows):  # plans and types, in the reader's language
        return [
            {
                "name": (row["name_pt_br"] if portuguese and row["name_pt_br"] else row["name"])
                or NOBODY,
                "count": row["count"],
            }
            for row in rows
        ]

    statuses = dict(SERVICE_ORDER_STATUSES)
    orders = [{**dict.fromkeys(data["order_statuses"], 0), **row} for row in data["orders"]]
    return Built(
        figures=[
            Figure(_("Attendances"), totals["count"]),
            Figure(_("With a first contact"), totals["first_contact"]),
            Figure(_("Resolved at the first contact"), totals["resolved_first_share"], "percent"),
        ],
        tables=[
            Table(
                "origins",
                _("By origin"),
                counted,
                data["origins"],
                chart={"type": "bar", "series": ["count"]},
            ),
            Table("plans", _("By plan"), counted, named(data["plans"])),
            Table("types", _("By type"), counted, named(data["types"])),
            Table(
                "orders",
                _("Service orders by technician"),
                [
                    Column("name", _("Technician"), "text"),
                    *[Column(key, statuses[key]) for key in data["order_statuses"]],
                ],
                [{**row, "name": row["name"] or NOBODY} for row in orders],
            ),
        ],
    )
