"""Links that open one ticket for a guest (S4 "check ticket status"): a random token, whose
hash a GuestLink keeps, live for GUEST_LINK_MAX_AGE_SECONDS to the address it was mailed to
until revoked. A browser following it holds the ticket while the link lives (or until log-in
or log-out: core.sessions.drop_grants)."""

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
    if not (grants := session.get(SESSION_KEY)):
        return frozenset()
    return frozenset(_live().filter(id__in=grants.values()).values_list("ticket_id", flat=True))
