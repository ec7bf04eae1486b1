"""Fixed-window counters in the cache, shared by every process when the cache is Redis.

A limiter that cannot count (the cache raises: Redis down) must not turn a page into a 500.
Each use chooses how it degrades:

- `fail="open"` (the default): the event is let through uncounted and the outage logged. For
  limits against abuse whose worst case during an outage is some extra rows or mail (sign-ups,
  chats started, guest tickets, status links, inbound mail loops, chat messages).
- `fail="local"`: counted in this process's memory instead, the same limit per process. For
  limits that guard accounts (failed log-ins per account and per address, reset links per
  account): failing open would let a password guesser or an inbox flooder run unlimited for
  as long as Redis is away, and failing closed would lock every person out of signing in.
  Per process, an attacker gains at most (number of processes - 1) times the limit; the
  counts are dropped when the cache answers again, so nothing stays locked from the outage.
"""

import hashlib
import logging
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

Fail = Literal["open", "local"]

# This process's own counters, used only while the shared cache cannot count.
_local = LocMemCache("core.ratelimit-local", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def client_ip(request) -> str:
    """The caller's address, trusting only as many X-Forwarded-For hops as there are proxies."""
    proxies = settings.NUM_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, subject: str) -> str:
    # Hashed: the subject may be an e-mail address, which has no business in a cache key.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def _cannot_count(scope: str, fail: Fail) -> None:
    outcome = "counting in this process" if fail == "local" else "letting it through"
    logger.warning("rate limit %s cannot count (cache unavailable): %s", scope, outcome,
                   exc_info=True)  # fmt: skip


def count(scope: str, subject: str, *, fail: Fail = "open") -> int:
    key = _key(scope, subject)
    try:
        found = cache.get(key, 0)
    except Exception:
        _cannot_count(scope, fail)
        return _local.get(key, 0) if fail == "local" else 0
    _local.delete(key)  # the cache counts again: an outage's own count is forgotten
    return found


def hit(scope: str, subject: str, *, window: int, fail: Fail = "open") -> int:
    """Count one more event in the current window and return the new total (0 when the
    event could not be counted and `fail` is "open")."""
    key = _key(scope, subject)
    try:
        return _hit(cache, key, window)
    except Exception:
        _cannot_count(scope, fail)
        return _hit(_local, key, window) if fail == "local" else 0


def _hit(counters, key: str, window: int) -> int:
    counters.add(key, 0, timeout=window)
    try:
        return counters.incr(key)
    except ValueError:  # expired between add and incr
        counters.add(key, 1, timeout=window)
        return 1


def reset(scope: str, subject: str) -> None:
    key = _key(scope, subject)
    _local.delete(key)
    try:
        cache.delete(key)
    except Exception:
        _cannot_count(scope, "open")
