"""Every action against every state: the allowed ones land where the table says, the rest raise."""

import pytest

from tickets import workflow
from tickets.workflow import Action, Status, TransitionNotAllowed

S = Status
EXPECTED = {
    # action: {from: to}; every pair not listed must be refused.
    Action.CUSTOMER_REPLY: {
        S.NEW: S.NEW, S.OPEN: S.OPEN, S.WAITING_CUSTOMER: S.OPEN, S.PENDING: S.PENDING,
        S.RESOLVED: S.REOPENED, S.REOPENED: S.REOPENED,
    },
    Action.CHANGE_PRIORITY: {
        S.NEW: S.NEW, S.OPEN: S.OPEN, S.WAITING_CUSTOMER: S.WAITING_CUSTOMER,
        S.PENDING: S.PENDING, S.REOPENED: S.REOPENED,
    },
    Action.CLOSE: {
        S.NEW: S.CLOSED, S.OPEN: S.CLOSED, S.WAITING_CUSTOMER: S.CLOSED, S.PENDING: S.CLOSED,
        S.RESOLVED: S.CLOSED, S.REOPENED: S.CLOSED,
    },
    Action.RATE: {S.RESOLVED: S.CLOSED, S.CLOSED: S.CLOSED},
    Action.NOT_SOLVED: {S.RESOLVED: S.REOPENED},
    Action.CLAIM: {
        S.NEW: S.OPEN, S.OPEN: S.OPEN, S.WAITING_CUSTOMER: S.WAITING_CUSTOMER,
        S.PENDING: S.PENDING, S.REOPENED: S.OPEN,
    },
    Action.REPLY_AND_WAIT: {
        S.NEW: S.WAITING_CUSTOMER, S.OPEN: S.WAITING_CUSTOMER,
        S.WAITING_CUSTOMER: S.WAITING_CUSTOMER, S.PENDING: S.WAITING_CUSTOMER,
        S.REOPENED: S.WAITING_CUSTOMER,
    },
    Action.REPLY_AND_KEEP: {
        S.NEW: S.OPEN, S.OPEN: S.OPEN, S.WAITING_CUSTOMER: S.OPEN, S.PENDING: S.OPEN,
        S.REOPENED: S.OPEN, S.RESOLVED: S.RESOLVED,
    },
    Action.REPLY_AND_PEND: {
        S.NEW: S.PENDING, S.OPEN: S.PENDING, S.WAITING_CUSTOMER: S.PENDING,
        S.PENDING: S.PENDING, S.REOPENED: S.PENDING,
    },
    Action.RESOLVE: {
        S.NEW: S.RESOLVED, S.OPEN: S.RESOLVED, S.WAITING_CUSTOMER: S.RESOLVED,
        S.PENDING: S.RESOLVED, S.REOPENED: S.RESOLVED,
    },
    Action.REOPEN: {S.RESOLVED: S.REOPENED, S.CLOSED: S.REOPENED},
    Action.FINALIZE: {
        S.NEW: S.CLOSED, S.OPEN: S.CLOSED, S.WAITING_CUSTOMER: S.CLOSED, S.PENDING: S.CLOSED,
        S.RESOLVED: S.CLOSED, S.REOPENED: S.CLOSED,
    },
    Action.AUTO_CLOSE: {S.RESOLVED: S.CLOSED},
    # A duplicate merged into another ticket closes, whatever it was (workspace.merge).
    Action.MERGE: {
        S.NEW: S.CLOSED, S.OPEN: S.CLOSED, S.WAITING_CUSTOMER: S.CLOSED, S.PENDING: S.CLOSED,
        S.RESOLVED: S.CLOSED, S.REOPENED: S.CLOSED, S.CLOSED: S.CLOSED,
    },
}  # fmt: skip

ALL_PAIRS = [(action, status) for action in Action for status in Status]
ALLOWED = [(a, s, EXPECTED[a][s]) for a, s in ALL_PAIRS if s in EXPECTED[a]]
FORBIDDEN = [(a, s) for a, s in ALL_PAIRS if s not in EXPECTED[a]]


class Thing:
    def __init__(self, status):
        self.status = status


def test_the_expectations_cover_every_action():
    assert set(EXPECTED) == set(Action)
    assert set(workflow.TRANSITIONS) == set(Action)


@pytest.mark.parametrize(("action", "status", "goes_to"), ALLOWED)
def test_allowed_transition(action, status, goes_to):
    ticket = Thing(status)
    assert workflow.allowed(status, action)
    assert action in workflow.allowed_actions(status)
    assert workflow.apply(ticket, action) == (status, goes_to)
    assert ticket.status == goes_to


@pytest.mark.parametrize(("action", "status"), FORBIDDEN)
def test_forbidden_transition(action, status):
    ticket = Thing(status)
    assert not workflow.allowed(status, action)
    assert action not in workflow.allowed_actions(status)
    with pytest.raises(TransitionNotAllowed):
        workflow.apply(ticket, action)
    assert ticket.status == status


def test_a_closed_ticket_can_only_be_rated_reopened_by_an_agent_or_merged_into_another():
    # A closed duplicate (a rated one, say) may still be merged: it stays closed.
    assert workflow.allowed_actions(S.CLOSED) == {Action.RATE, Action.REOPEN, Action.MERGE}


@pytest.mark.parametrize(
    ("status", "spoke_last", "label"),
    [
        (S.NEW, True, "Awaiting our response"),
        (S.OPEN, True, "Awaiting our response"),
        (S.OPEN, False, "In progress"),
        (S.WAITING_CUSTOMER, False, "Waiting for your reply"),
        (S.PENDING, False, "In progress — with another team"),
        (S.RESOLVED, False, "Waiting for your rating"),
        (S.REOPENED, True, "Reopened"),
        (S.CLOSED, False, "Closed"),
    ],
)
def test_customers_read_their_own_status_names(status, spoke_last, label):
    assert str(workflow.customer_label(status, customer_spoke_last=spoke_last)) == label
