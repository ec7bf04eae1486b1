"""The browsers a person has signed in from: a signed cookie naming the accounts it knows.

A guesser who fails again and again from elsewhere must not keep the owner out: a browser
that signed in as an account before is slowed down at its failures, never blocked. The cookie
holds a keyed digest of each address (never the address), at most a few, signed so it cannot
be forged.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

COOKIE = "known_device"
SALT = "accounts.known-device"
MAX_ACCOUNTS = 5


def _digest(email: str) -> str:
    return salted_hmac(SALT, email.strip().lower()).hexdigest()[:32]


def _accounts(cookie: str | None) -> list[str]:
    if not cookie:
        return []
    try:
        found = signing.loads(cookie, salt=SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []


def is_known(cookie: str | None, email: str) -> bool:
    return _digest(email) in _accounts(cookie)


def remember(response, cookie: str | None, email: str) -> None:
    """Add `email`'s account to the browser's cookie on `response` (the newest last)."""
    digest = _digest(email)
    accounts = [item for item in _accounts(cookie) if item != digest][-(MAX_ACCOUNTS - 1) :]
    response.set_cookie(
        COOKIE,
        signing.dumps([*accounts, digest], salt=SALT),
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
