"""The security log: who signed in, failed, was locked out, changed a second factor, a role,
a department or a password. `record()` is the one way to write it, for any app (an API or an
export records its use the same way); Django's own sign-in signals are connected in `ready()`.
"""

from datetime import timedelta
from ipaddress import ip_address

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.utils import timezone

from core.ratelimit import client_ip

from .models import SecurityEvent, User, normalize_email

Kind = SecurityEvent.Kind


def record(
    kind: str,
    *,
    user: User | None = None,
    request=None,
    actor: User | None = None,
    email: str = "",
    **details,
) -> SecurityEvent:
    """Write one event; the address and browser come from `request` when there is one.

    Written in the caller's transaction, if any: an event of a change rolled back goes with it.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown security event {kind!r}")
    ip, agent = None, ""
    if request is not None:
        ip = _valid_ip(client_ip(request))
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        if actor is None and getattr(request, "user", None) is not None:
            actor = request.user if request.user.is_authenticated else None
    if user is not None and not email:
        email = user.email
    return SecurityEvent.objects.create(
        kind=kind, user=user, actor=actor, email=normalize_email(email)[:254], ip=ip,
        user_agent=agent, details=details,
    )  # fmt: skip


def _valid_ip(value: str) -> str | None:
    try:
        return str(ip_address(value))
    except ValueError:
        return None


@transaction.atomic
def purge_security_log() -> int:
    """Delete the events older than SECURITY_LOG_DAYS; return how many went."""
    cutoff = timezone.now() - timedelta(days=settings.SECURITY_LOG_DAYS)
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _logged_in(sender, request, user, **kwargs):
    second = getattr(request, "second_factor", "") if request is not None else ""
    record(Kind.LOGIN, user=user, request=request, actor=user, second_factor=second)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request, actor=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    email = normalize_email(str(credentials.get("username", "")))
    known = User.objects.filter(email=email).first() if email else None
    record(Kind.LOGIN_FAILED, user=known, request=request, email=email)


def connect_signals() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.security_log.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts.security_log.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="accounts.security_log.login_failed")
