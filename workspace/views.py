"""The workspace's page actions: the agent's own alerts for new tickets, and bulk actions."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required

from . import bulk, services
from .forms import BulkForm, ticked_numbers
from .models import BulkJob


@agent_required
@require_POST
def alerts(request):
    """Turn one's sound and desktop alerts for new tickets on (`on`) or off (anything else)."""
    enabled = request.POST.get("alerts") == "on"
    preference = services.set_new_ticket_alerts(actor=request.user, enabled=enabled)
    if request.accepts("text/html"):
        return redirect("agent:queues")
    return JsonResponse({"alerts": preference.new_ticket_alerts})


@agent_required
@require_POST
def bulk_action(request):
    """From a list's ticks: the action's choices, then (`confirm`) the action done or queued."""
    numbers = ticked_numbers(request.POST)
    every_match = request.POST.get("every_match") == "1"
    query = bulk.parse_query(request.POST.get("query", ""))
    selection = {"numbers": numbers, "every_match": every_match, "query": query}
    count = bulk.selection_count(request.user, **selection)
    confirmed = "confirm" in request.POST
    form = BulkForm(
        request.POST if confirmed else None,
        initial={"action": request.POST.get("action")},
        actor=request.user,
    )
    too_many = count > settings.BULK_MAX_TICKETS
    if confirmed and form.is_valid() and count > 0 and not too_many:
        job = bulk.start_bulk_action(actor=request.user, action=form.cleaned_data["action"],
                                     params=form.params(), count=count, **selection)  # fmt: skip
        return redirect("workspace:bulk_job", job.id)
    context = {"form": form, "count": count, "too_many": too_many, "numbers": numbers,
               "every_match": every_match, "query": request.POST.get("query", "")}  # fmt: skip
    return render(request, "workspace/bulk.html", context)


def _job(request, job_id):
    # Only its owner sees a bulk action: anyone else gets the 404 of no such job.
    return get_object_or_404(BulkJob.objects.select_related("owner"), id=job_id, owner=request.user)


@agent_required
def bulk_job(request, job_id):
    return render(request, "workspace/bulk_job.html", _context(_job(request, job_id)))


@agent_required
def bulk_job_status(request, job_id):
    job = _job(request, job_id)
    # HTTP 286 tells htmx to stop asking.
    status = 286 if job.is_finished else 200
    return render(request, "workspace/_bulk_status.html", _context(job), status=status)


def _context(job):
    return {"job": job, "done_message": bulk.done_message(job), "refusals": bulk.refusals(job),
            "action_label": bulk.ACTIONS[job.action][0]}  # fmt: skip
