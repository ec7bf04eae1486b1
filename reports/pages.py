"""The reports offered: their names, selectors and tables, and the data their charts draw."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import selectors, tables
from .tables import Built, Table


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    select: Callable
    build: Callable[[dict, object], Built]


REPORTS = {
    report.slug: report
    for report in [
        Report(
            "volume",
            _("Volume"),
            _("Tickets created, resolved, closed and reopened; the backlog."),
            selectors.volume_report,
            tables.build_volume,
        ),
        Report(
            "times",
            _("Times"),
            _("First response and resolution: median and 90th percentile."),
            selectors.times_report,
            tables.build_times,
        ),
        Report(
            "sla",
            _("SLA"),
            _("Tickets answered and resolved within their due times."),
            selectors.sla_report,
            tables.build_sla,
        ),
        Report(
            "satisfaction",
            _("Satisfaction"),
            _("Ratings, stars and comments."),
            selectors.satisfaction_report,
            tables.build_satisfaction,
        ),
        Report(
            "time-worked",
            _("Time worked"),
            _("Hours by agent, organization and category."),
            selectors.time_worked_report,
            tables.build_time_worked,
        ),
        Report(
            "chat",
            _("Chat"),
            _("Chats per day and hour, waiting, abandoned, length and ratings."),
            selectors.chat_report,
            tables.build_chat,
        ),
        Report(
            "attendance",
            _("Attendance"),
            _("Attendances by origin, plan and type; service orders by technician."),
            selectors.attendance_report,
            tables.build_attendance,
        ),
        Report(
            "agents",
            _("Agents"),
            _("What each agent did."),
            selectors.agent_report,
            tables.build_agents,
        ),
    ]
}


def chart_data(table: Table) -> dict:
    """What static/js/reports.js draws: plain numbers, the labels already in the language."""
    label_column = table.columns[0]
    series = [column for column in table.columns if column.key in table.chart["series"]]
    return {
        "type": table.chart["type"],
        "locale": "pt-BR" if (get_language() or "").lower().startswith("pt") else "en",
        "labels": [
            tables.display(row.get(label_column.key), label_column.kind) for row in table.rows
        ],
        "datasets": [
            {
                "label": str(column.label),
                "kind": column.kind,
                "data": [_number(row.get(column.key)) for row in table.rows],
            }
            for column in series
        ],
    }


def _number(value):
    return float(value) if isinstance(value, int | float) else None
