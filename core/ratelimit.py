"""Fixed-window counters in the cache, shared by every process when the cache is Redis."""

import hashlib

from django.conf import settings
from django.core.cache import cache


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


def count(scope: str, subject: str) -> int:
    return cache.get(_key(scope, subject), 0)


def hit(scope: str, subject: str, *, window: int) -> int:
    """Count one more event in the current window and return the new total."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
