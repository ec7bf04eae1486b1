"""Signed links that open one ticket for a guest (S4 "check ticket status").

The link names the ticket and the requester's address; following it grants this browser
session that one ticket until the link itself expires.
"""

import time

from django.conf import settings
from django.core import signing

SALT = "tickets.guest-access"
SESSION_KEY = "guest_tickets"


def make_token(ticket) -> str:
    payload = {"t": ticket.id, "e": ticket.requester.email, "i": int(time.time())}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str, int] | None:
    """(ticket id, requester e-mail, expiry as a Unix time) of a valid link, or None."""
    max_age = settings.GUEST_LINK_MAX_AGE_SECONDS
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return payload["t"], payload["e"], payload["i"] + max_age


def grant(session, ticket_id: int, expires: int) -> None:
    grants = {**session.get(SESSION_KEY, {}), str(ticket_id): expires}
    session[SESSION_KEY] = grants


def granted_ticket_ids(session) -> frozenset[int]:
    now = time.time()
    return frozenset(
        int(ticket_id)
        for ticket_id, expires in session.get(SESSION_KEY, {}).items()
        if expires > now
    )
