from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .twofactor.gate import refusal


def agent_required(view):
    """The agent panel's pages: logged in (else to the log-in page), an agent (else 403), with a
    second factor when the administrators require it (else to set it up)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise PermissionDenied
        refused = refusal(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapper
