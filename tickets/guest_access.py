"""Links that open one ticket for a guest (S4 "check ticket status"): a random token, whose
hash a GuestLink keeps, live for GUEST_LINK_MAX_AGE_SECONDS to the address it was mailed to
until revoked. A browser following it holds the ticket while the link lives (or until log-in
or log-out: core.sessions.drop_grants), and the ticket it was merged into as its holder may
(`granted()`)."""

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from core.sessions import GRANT_PREFIX

from .models import GuestLink, Ticket, TicketFollower

SESSION_KEY = f"{GRANT_PREFIX}guest_tickets"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live():
    since = timezone.now() - timedelta(seconds=settings.GUEST_LINK_MAX_AGE_SECONDS)
    return GuestLink.objects.filter(
        revoked_at__isnull=True, created_at__gt=since, email=F("ticket__requester__email")
    )


def make_token(ticket) -> str:
    token = secrets.token_urlsafe(32)
    GuestLink.objects.create(ticket=ticket, token_hash=_hash(token), email=ticket.requester.email)
    return token


def follow(token: str) -> GuestLink | None:
    """The live link of `token` (its use recorded), or None."""
    link = _live().select_related("ticket").filter(token_hash=_hash(token)).first()
    if link is not None:
        GuestLink.objects.filter(id=link.id).update(last_used_at=timezone.now())
    return link


def grant(session, link: GuestLink) -> None:
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), str(link.ticket_id): link.id}


class Granted(NamedTuple):
    """What a session's live links open: tickets its holder acts on as the requester (`own`)
    and tickets they only read, as a follower (`followed`)."""

    own: frozenset[int]
    followed: frozenset[int]


def granted(session) -> Granted:
    """The tickets of the session's live links, and the tickets those were merged into
    (workspace.merge): the link's holder is the requester there too (their own duplicate
    merged into their own ticket), or a follower, who reads it. Never a ticket they neither
    asked for nor follow, nor one in the trash."""
    if not (grants := session.get(SESSION_KEY)):
        return Granted(frozenset(), frozenset())
    links = _live().filter(id__in=grants.values())
    rows = list(links.values_list("ticket_id", "ticket__merged_into_id", "email"))
    own, followed = {ticket_id for ticket_id, _into, _email in rows}, set()
    for _ticket_id, into, email in rows:
        for _hop in range(10):  # merges of merges are short; a loop in the data is no hang
            survivor = _survivor(into, email) if into else None
            if survivor is None:
                break
            (own if survivor["is_requester"] else followed).add(into)
            into = survivor["merged_into_id"]
    return Granted(frozenset(own), frozenset(followed - own))


def _survivor(ticket_id: int, email: str) -> dict | None:
    # The ticket, if the person `email` names asked for it or follows it.
    followers = TicketFollower.objects.filter(ticket=OuterRef("id"), user__email=email)
    found = (
        Ticket.objects.filter(id=ticket_id, trashed_at__isnull=True)
        .annotate(is_requester=Q(requester__email=email), follows=Exists(followers))
        .values("merged_into_id", "is_requester", "follows")
        .first()
    )
    return found if found and (found["is_requester"] or found["follows"]) else None
