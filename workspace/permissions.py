"""The gate of the live workspace: who may open its socket and what a ticket's page hears.

Tickets themselves go through `tickets.permissions` (`visible_tickets`, `get_ticket_for`): a
socket hears only of tickets its agent may see, and of a note being typed only where they
may read notes.
"""

from accounts.models import User
from tickets import permissions as tickets_gate
from tickets.models import Ticket


def may_go_live(user) -> bool:
    """Opens the live socket: an active agent (or administrator)."""
    if not isinstance(user, User):
        return False
    if not user.is_active:
        return False
    return user.is_agent


def hears_typing(user: User, ticket: Ticket, what: str) -> bool:
    """Is told someone types a reply (anyone who sees the ticket) or a note (who reads notes)."""
    if what == "reply":
        return True
    return tickets_gate.works_on(user, ticket)
