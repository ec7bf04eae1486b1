"""Requests per minute, per token (or signed-in person) and per address (core.ratelimit),
told in RateLimit-Limit / -Remaining / -Reset headers and refused with 429 past either."""

import time
from dataclasses import dataclass

from django.conf import settings
from rest_framework.exceptions import Throttled

from core import ratelimit

WINDOW = 60


@dataclass
class Budget:
    limit: int
    used: int
    reset: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def _spend(scope: str, subject: str, limit: int) -> Budget:
    now = time.time()
    window = int(now // WINDOW)  # the window's number in the key: its end is known exactly
    used = ratelimit.hit(f"{scope}:{window}", subject, window=WINDOW)
    return Budget(limit=limit, used=used, reset=max(1, int((window + 1) * WINDOW - now)))


def spend_address(request) -> Budget:
    """Counted before the caller is known, so a stream of bad tokens is limited too."""
    budget = _spend("api-address", ratelimit.client_ip(request),
                    settings.API_REQUESTS_PER_ADDRESS_PER_MINUTE)  # fmt: skip
    _keep(request, budget)
    return budget


def spend_caller(request) -> Budget | None:
    token = request.auth
    if token is not None and hasattr(token, "digest"):
        subject = f"token:{token.id}"
    elif request.user.is_authenticated:
        subject = f"user:{request.user.id}"
    else:
        return None
    budget = _spend("api-caller", subject, settings.API_REQUESTS_PER_TOKEN_PER_MINUTE)
    _keep(request, budget)
    return budget


def _keep(request, budget: Budget) -> None:
    # The tighter budget is the one the headers tell; past it, 429.
    kept = getattr(request, "_api_budget", None)
    if kept is None or budget.remaining < kept.remaining:
        request._api_budget = budget
    if budget.used > budget.limit:
        raise Throttled(wait=budget.reset)


def headers(request) -> dict[str, str]:
    budget = getattr(request, "_api_budget", None)
    if budget is None:
        return {}
    return {
        "RateLimit-Limit": str(budget.limit),
        "RateLimit-Remaining": str(budget.remaining),
        "RateLimit-Reset": str(budget.reset),
    }
