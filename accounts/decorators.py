from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def agent_required(view):
    """The agent panel's pages: logged in (else to the log-in page) and an agent (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
