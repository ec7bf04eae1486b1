"""Links that open one ticket for a guest (S4 "check ticket status").

A link is a random token; a GuestLink row keeps its hash, never the token, and the URL names
no address. It works GUEST_LINK_MAX_AGE_SECONDS, while the requester's address is the one it
was sent to, and until the ticket's links are revoked. Following it grants this browser
session the ticket for as long as the link itself holds; grants end at log-in and log-out
(core.sessions.drop_grants).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.sessions import GRANT_PREFIX

from .models import GuestLink

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


def granted_ticket_ids(session) -> frozenset[int]:
    grants = session.get(SESSION_KEY) or {}
    if not isinstance(grants, dict) or not grants:
        return frozenset()
    links = _live().filter(id__in=[v for v in grants.values() if isinstance(v, int)])
    return frozenset(links.values_list("ticket_id", flat=True))
