"""The ticket workflow as data (SPEC §2, STYLE rule 2).

`TRANSITIONS` is the one table of what may happen to a ticket in each state. Services call
`apply()`, the only code that assigns `Ticket.status`; templates ask `allowed()` to decide
which buttons to draw.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


class Action(models.TextChoices):
    # The customer's side (portal, guest link, e-mail).
    CUSTOMER_REPLY = "customer_reply", _("Customer replies")
    CHANGE_PRIORITY = "change_priority", _("Customer changes the priority")
    CLOSE = "close", _("Customer closes")
    RATE = "rate", _("Customer rates")
    NOT_SOLVED = "not_solved", _("Customer says it is not solved")
    # The agent's side.
    CLAIM = "claim", _("Agent claims")
    REPLY_AND_WAIT = "reply_and_wait", _("Agent replies and waits on the customer")
    REPLY_AND_KEEP = "reply_and_keep", _("Agent replies and keeps it open")
    REPLY_AND_PEND = "reply_and_pend", _("Agent replies and waits on another team")
    RESOLVE = "resolve", _("Agent resolves")
    REOPEN = "reopen", _("Agent reopens")
    FINALIZE = "finalize", _("Agent finalizes")
    MERGE = "merge", _("Agent merges it into another ticket")
    # The system.
    AUTO_CLOSE = "auto_close", _("Closed after days resolved without an answer")


S = Status
ACTIVE = (S.NEW, S.OPEN, S.WAITING_CUSTOMER, S.PENDING, S.REOPENED)
NOT_CLOSED = (*ACTIVE, S.RESOLVED)

# action -> {state it may start from: state it ends in}
TRANSITIONS: dict[str, dict[str, str]] = {
    Action.CUSTOMER_REPLY: {
        S.NEW: S.NEW,
        S.OPEN: S.OPEN,
        S.WAITING_CUSTOMER: S.OPEN,
        S.PENDING: S.PENDING,
        S.RESOLVED: S.REOPENED,
        S.REOPENED: S.REOPENED,
    },
    Action.CHANGE_PRIORITY: {state: state for state in ACTIVE},
    Action.CLOSE: dict.fromkeys(NOT_CLOSED, S.CLOSED),
    Action.RATE: {S.RESOLVED: S.CLOSED, S.CLOSED: S.CLOSED},
    Action.NOT_SOLVED: {S.RESOLVED: S.REOPENED},
    Action.CLAIM: {
        S.NEW: S.OPEN,
        S.OPEN: S.OPEN,
        S.WAITING_CUSTOMER: S.WAITING_CUSTOMER,
        S.PENDING: S.PENDING,
        S.REOPENED: S.OPEN,
    },
    Action.REPLY_AND_WAIT: dict.fromkeys(ACTIVE, S.WAITING_CUSTOMER),
    Action.REPLY_AND_KEEP: {
        S.NEW: S.OPEN,
        S.OPEN: S.OPEN,
        S.WAITING_CUSTOMER: S.OPEN,
        S.PENDING: S.OPEN,
        S.REOPENED: S.OPEN,
        S.RESOLVED: S.RESOLVED,
    },
    Action.REPLY_AND_PEND: dict.fromkeys(ACTIVE, S.PENDING),
    Action.RESOLVE: dict.fromkeys(ACTIVE, S.RESOLVED),
    Action.REOPEN: {S.RESOLVED: S.REOPENED, S.CLOSED: S.REOPENED},
    Action.FINALIZE: dict.fromkeys(NOT_CLOSED, S.CLOSED),
    Action.AUTO_CLOSE: {S.RESOLVED: S.CLOSED},
    Action.MERGE: dict.fromkeys((*NOT_CLOSED, S.CLOSED), S.CLOSED),
}


class TransitionNotAllowed(Exception):
    def __init__(self, action, status):
        self.action, self.status = action, status
        super().__init__(f"{action} is not allowed on a ticket that is {status}")


def allowed(status: str, action: str) -> bool:
    return status in TRANSITIONS[action]


def allowed_actions(status: str) -> frozenset[str]:
    return frozenset(action for action, moves in TRANSITIONS.items() if status in moves)


def target(status: str, action: str) -> str:
    """The state `action` leads to from `status`; raises before anything is written."""
    try:
        return TRANSITIONS[action][status]
    except KeyError:
        raise TransitionNotAllowed(action, status) from None


def apply(ticket, action: str) -> tuple[str, str]:
    """Move `ticket` (in memory) through `action`; returns (from, to). Services save it."""
    old = ticket.status
    ticket.status = target(old, action)
    return old, ticket.status


def undo_merge(ticket, status: str) -> None:
    """An administrator undoing a merge puts back the status the ticket had before it."""
    ticket.status = status


# What customers read (SPEC §2): their words, not the agents'.
CUSTOMER_LABELS = {
    S.NEW: pgettext_lazy("customer status", "Awaiting our response"),
    S.OPEN: pgettext_lazy("customer status", "In progress"),
    S.WAITING_CUSTOMER: pgettext_lazy("customer status", "Waiting for your reply"),
    S.PENDING: pgettext_lazy("customer status", "In progress — with another team"),
    S.RESOLVED: pgettext_lazy("customer status", "Waiting for your rating"),
    S.REOPENED: pgettext_lazy("customer status", "Reopened"),
    S.CLOSED: pgettext_lazy("customer status", "Closed"),
}
AWAITING_OUR_RESPONSE = pgettext_lazy("customer status", "Awaiting our response")
# A colleague's ticket, as a master user reads it: it waits for its requester, not the reader.
THEIRS = {
    S.WAITING_CUSTOMER: pgettext_lazy("customer status", "Waiting for the requester's reply"),
    S.RESOLVED: pgettext_lazy("customer status", "Waiting for the requester's rating"),
}


def customer_label(status: str, *, customer_spoke_last: bool, own: bool = True) -> str:
    if not own and status in THEIRS:
        return THEIRS[status]
    # An open ticket whose last word is the customer's is, to them, still awaiting us.
    if status == S.OPEN and customer_spoke_last:
        return AWAITING_OUR_RESPONSE
    return CUSTOMER_LABELS.get(status, status)  # a status of old records: as stored
