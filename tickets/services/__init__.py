"""Every write to tickets goes through these functions (STYLE rule 1)."""

from .closing import close_ticket, mark_not_solved, rate_ticket
from .opening import open_guest_ticket, open_ticket, request_status_link
from .replies import change_priority, reply_to_ticket

__all__ = [
    "change_priority",
    "close_ticket",
    "mark_not_solved",
    "open_guest_ticket",
    "open_ticket",
    "rate_ticket",
    "reply_to_ticket",
    "request_status_link",
]
