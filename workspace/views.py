"""The workspace's one page action: the agent's own alerts for new tickets."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required

from . import services


@agent_required
@require_POST
def alerts(request):
    """Turn one's sound and desktop alerts for new tickets on (`on`) or off (anything else)."""
    enabled = request.POST.get("alerts") == "on"
    preference = services.set_new_ticket_alerts(actor=request.user, enabled=enabled)
    if request.accepts("text/html"):
        return redirect("agent:queues")
    return JsonResponse({"alerts": preference.new_ticket_alerts})
