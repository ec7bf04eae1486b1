"""The reports' figures: each a function of (user, filters) returning plain data, counted
from the tickets the reports' gate lets the user see (`reports.permissions.report_tickets`)."""

from .agents import agent_report
from .attendance import attendance_report
from .chat import chat_report
from .satisfaction import satisfaction_report
from .sla import sla_report
from .times import times_report
from .volume import volume_report
from .worked import time_worked_report

__all__ = [
    "agent_report",
    "attendance_report",
    "chat_report",
    "satisfaction_report",
    "sla_report",
    "time_worked_report",
    "times_report",
    "volume_report",
]
