"""The API's own gate, before the tickets' (tickets.permissions decides every ticket): signed
in, active, and a read-only token only reads."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class CallerMayUseApi(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return False
        if request.method in SAFE_METHODS:
            return True
        return token_may_write(request.auth)


def token_may_write(auth) -> bool:
    """A read-write token, or no token at all (the browser's session writes as its pages do)."""
    if not isinstance(auth, ApiToken):
        return True
    return auth.can_write


class IsAgent(BasePermission):
    """Agents' endpoints (canned replies): the panel's `agent_required`, without the redirect."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_agent)
