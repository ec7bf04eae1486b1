"""Where the policy is enforced: staff without a verified second factor are sent to set it
up (or to give a code, when they have one) before the agent panel or the admin."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import services


def refusal(request):
    """A redirect for a staff member the policy stops here, or None to let them through."""
    user = request.user
    if not user.is_authenticated or not user.is_agent:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    if not services.staff_must_use_two_factor():
        return None
    if services.has_two_factor(user):
        next_page = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:login_code')}?{next_page}")
    messages.warning(request, _("Your administrators require two-factor sign-in for staff. Set "
                                "it up to go on working."))  # fmt: skip
    return redirect("accounts:two_factor")


class StaffTwoFactorMiddleware:
    """The admin's gate (the panel's is `accounts.decorators.agent_required`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "admin" or match.url_name == "logout":
            return None
        return refusal(request)
