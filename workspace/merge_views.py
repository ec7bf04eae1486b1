"""Merging from the agent's ticket page: the ticket to keep, a preview of both, the merge; and
an administrator's undo (workspace.merge)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from tickets.models import TicketEntry
from tickets.permissions import get_ticket_for
from tickets.services import NotAllowed

from . import merge
from .forms import MergeForm
from .refusals import Refused


@agent_required
def merge_ticket(request, number):
    """GET: the form; POST: the preview of both tickets, then (`confirm`) the merge."""
    ticket = get_ticket_for(request.user, number)
    if not merge.may_merge(request.user, ticket) and not request.user.is_administrator:
        raise PermissionDenied
    form = MergeForm(request.POST or None)
    target = refused = None
    if request.method == "POST" and form.is_valid():
        target = get_ticket_for(request.user, form.cleaned_data["target"])
        try:
            if "confirm" in request.POST:
                merge.merge_tickets(actor=request.user, sources=[ticket], target=target)
                messages.success(request, _("%(source)s was merged into %(target)s.") % {
                    "source": ticket.reference, "target": target.reference})  # fmt: skip
                return redirect("agent:ticket", number=target.number)
            code = merge.refusal(ticket, target)
            refused = Refused(code).message if code else None
        except Refused as why:
            refused = why.message
        except NotAllowed:
            raise PermissionDenied from None
    merges = list(merge.merges_into(ticket)) if request.user.is_administrator else []
    context = {"ticket": ticket, "form": form, "target": target, "refused": refused,
               "merges": merges}  # fmt: skip
    return render(request, "workspace/merge.html", context)


@agent_required
@require_POST
def unmerge(request, entry_id):
    """An administrator undoes the merge a history entry records."""
    entry = get_object_or_404(TicketEntry, id=entry_id, kind=TicketEntry.Kind.EDIT)
    ticket = get_ticket_for(request.user, entry.ticket.number)
    try:
        restored = merge.unmerge_tickets(actor=request.user, entry=entry)
    except Refused as why:
        messages.error(request, why.message)
    except NotAllowed:
        raise PermissionDenied from None
    else:
        numbers = ", ".join(t.reference for t in restored)
        done = _("Merge undone; on their own again: %(numbers)s.") % {"numbers": numbers}
        messages.success(request, done)
    return redirect("agent:ticket", number=ticket.number)
