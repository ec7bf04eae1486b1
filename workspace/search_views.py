"""The agent panel's search (every ticket the agent may see) and the top bar's "go to"."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import agent_required
from core.paging import seek_page

from . import selectors
from .forms import TicketSearchForm


def panel_only(view):
    """Agents' pages that a customer must not know of: 404 for anyone but an agent."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise Http404
        return agent_required(view)(request, *args, **kwargs)

    return wrapper


@panel_only
def search(request):
    """A ticket number typed as the only criterion opens that ticket when the agent may see
    it; with other criteria, the ticket of that number comes first if it meets them. A number
    the agent may not see gets the answer of one that does not exist."""
    form = TicketSearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.has_criteria():
        criteria = form.cleaned_data
        typed = selectors.typed_number(criteria.get("q") or "")
        alone = not any(value for name, value in criteria.items() if name != "q")
        if typed is not None and alone and selectors.ticket_number_for(request.user, str(typed)):
            return redirect("agent:ticket", number=typed)
        tickets = selectors.search_tickets(request.user, criteria)
        first = []
        if typed is not None and not alone:
            # On the first page only; left out of the pages so that it is not listed twice.
            if not request.GET.get("after") and not request.GET.get("before"):
                first = list(tickets.filter(number=typed))
            tickets = tickets.exclude(number=typed)
        page = seek_page(
            tickets, selectors.SEARCH_SORT, request.GET, per_page=settings.TICKETS_PER_PAGE
        )
        page.object_list[:0] = first
    return render(request, "workspace/search.html", {"form": form, "page": page})


@panel_only
def go_to(request):
    """Opens the ticket of the number typed; any other number, seen or not, gets one answer."""
    typed = request.GET.get("number", "")
    number = selectors.ticket_number_for(request.user, typed)
    if number is not None:
        return redirect("agent:ticket", number=number)
    messages.error(
        request,
        _("There is no ticket %(number)s among those you may see.") % {"number": typed[:20]},
    )
    return redirect("find:search")
