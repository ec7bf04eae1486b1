from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from tickets.models import TicketEntry
from tickets.permissions import get_ticket_for
from tickets.services import NotAllowed
from tickets.workflow import TransitionNotAllowed

from . import services


@agent_required
@require_POST
def accept_held_reply(request, number, entry_id):
    ticket = get_ticket_for(request.user, number)
    note = get_object_or_404(TicketEntry, id=entry_id, ticket=ticket, kind=TicketEntry.Kind.NOTE)
    try:
        services.accept_held_reply(entry=note, actor=request.user)
    except NotAllowed:
        messages.error(
            request, _("This reply cannot be accepted (accepted already, or not yours to accept).")
        )
    except TransitionNotAllowed:
        messages.error(request, _("A closed ticket takes no reply."))
    else:
        messages.success(
            request, _("The reply was accepted and added to the thread as the customer's.")
        )
    return redirect("agent:ticket", ticket.number)
