"""Every write to tickets goes through these functions (STYLE rule 1)."""

from .agent import (
    AlreadyClaimed,
    AnsweredMeanwhile,
    HasOpenChildren,
    Unanswered,
    add_note,
    assign_ticket,
    claim_ticket,
    edit_ticket,
    finalize_ticket,
    log_time,
    reopen_ticket,
    resolve_ticket,
    set_progress,
    take_over_ticket,
    transfer_ticket,
)
from .closing import AlreadyRated, close_stale_resolved, close_ticket, mark_not_solved, rate_ticket
from .common import NotAllowed, WorkTime, add_message
from .escalation import escalate_ticket
from .opening import (
    open_guest_ticket,
    open_internal_ticket,
    open_ticket,
    open_ticket_for_customer,
    request_status_link,
    revoke_guest_links,
    send_status_link,
)
from .replies import change_priority, reply_to_ticket
from .trash import purge_trash, restore_ticket, trash_ticket

__all__ = [
    "AlreadyClaimed",
    "AlreadyRated",
    "AnsweredMeanwhile",
    "HasOpenChildren",
    "NotAllowed",
    "Unanswered",
    "WorkTime",
    "add_message",
    "add_note",
    "assign_ticket",
    "change_priority",
    "claim_ticket",
    "close_stale_resolved",
    "close_ticket",
    "edit_ticket",
    "escalate_ticket",
    "finalize_ticket",
    "log_time",
    "mark_not_solved",
    "open_guest_ticket",
    "open_internal_ticket",
    "open_ticket",
    "open_ticket_for_customer",
    "purge_trash",
    "rate_ticket",
    "reopen_ticket",
    "reply_to_ticket",
    "request_status_link",
    "resolve_ticket",
    "restore_ticket",
    "revoke_guest_links",
    "send_status_link",
    "set_progress",
    "take_over_ticket",
    "transfer_ticket",
    "trash_ticket",
]
