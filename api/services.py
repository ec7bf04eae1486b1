"""Every write to API tokens (STYLE rule 1), and the one way a token is recognised."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import security_log
from accounts.models import SecurityEvent, User

from .models import ApiToken

SCHEME = "hd_"  # what a help desk token starts with, so a leaked one is easy to search for


class NotAllowed(Exception):
    """The actor may not do this to the token."""


def digest_of(secret: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be reversed or guessed, and a
    # look-up by it needs no per-token salt.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(
    *, actor: User, name: str, can_write: bool, expires_at: datetime, request=None
) -> tuple[ApiToken, str]:
    """A new token of `actor`'s; returns it and its secret, which is never seen again."""
    if not actor.is_active:
        raise NotAllowed
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name.strip(), prefix=secret[:10], digest=digest_of(secret),
        can_write=can_write, expires_at=expires_at,
    )  # fmt: skip
    security_log.record(
        SecurityEvent.Kind.API_USE, user=actor, actor=actor, request=request,
        action="token_created", token=token.prefix, name=token.name, write=can_write,
    )  # fmt: skip
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken, request=None) -> None:
    """The token stops working at once; its row stays, so its last use can still be read."""
    if token.user_id != actor.id:
        raise NotAllowed
    token = ApiToken.objects.select_for_update().get(id=token.id)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    security_log.record(
        SecurityEvent.Kind.API_USE, user=actor, actor=actor, request=request,
        action="token_revoked", token=token.prefix, name=token.name,
    )  # fmt: skip


def token_for(secret: str) -> ApiToken | None:
    """The usable token whose secret this is, with its person; None for any other string."""
    if not secret.startswith(SCHEME) or len(secret) > 100:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found


def note_token_use(token: ApiToken, *, request, ip: str | None) -> bool:
    """Mark the token used and write the use to the security log, at most once a window.

    A busy token would otherwise write a row a request: the UPDATE only matches while the
    last use is older than API_TOKEN_USE_LOG_SECONDS, so of the requests in one window the
    first one wins the row (atomically, whatever the number of processes) and the others
    write nothing. Returns whether this request was the one logged.
    """
    now = timezone.now()
    window = timedelta(seconds=settings.API_TOKEN_USE_LOG_SECONDS)
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - window) | ~Q(last_used_ip=ip)
    with transaction.atomic():
        won = (
            ApiToken.objects.filter(stale, id=token.id).update(last_used_at=now, last_used_ip=ip)
            == 1
        )
        if won:
            security_log.record(
                SecurityEvent.Kind.API_USE, user=token.user, actor=token.user, request=request,
                action="token_used", token=token.prefix, method=request.method,
                path=request.path[:200],
            )  # fmt: skip
    return won
