"""The agent panel's search (every ticket the agent may see), its saved views, and the top
bar's "go to"."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from core.paging import seek_page

from . import permissions, saved_views, selectors
from .forms import RenameViewForm, SavedViewForm, TicketSearchForm
from .models import SavedView


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
def search(request, *, save_form=None, rename_form=None, status=200):
    """The search; `?view=` names the saved view being read (one the gate lets them open).

    A ticket number typed as the only criterion opens that ticket when the agent may see it;
    with other criteria, the ticket of that number comes first if it meets them. A number the
    agent may not see gets the answer of one that does not exist."""
    user = request.user
    form = TicketSearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.has_criteria():
        criteria = form.cleaned_data
        typed = selectors.typed_number(criteria.get("q") or "")
        alone = not any(value for name, value in criteria.items() if name not in ("q", "sort"))
        if typed is not None and alone and selectors.ticket_number_for(user, str(typed)):
            return redirect("agent:ticket", number=typed)
        tickets = selectors.search_tickets(user, criteria)
        first = []
        if typed is not None and not alone:
            # On the first page only; left out of the pages so that it is not listed twice.
            if not request.GET.get("after") and not request.GET.get("before"):
                first = list(tickets.filter(number=typed))
            tickets = tickets.exclude(number=typed)
        page = seek_page(
            tickets,
            selectors.search_sort(form.cleaned_data),
            request.GET,
            per_page=settings.TICKETS_PER_PAGE,
        )
        page.object_list[:0] = first
    view = None
    if request.GET.get("view", "").isdigit():
        view = _view_for(user, request.GET["view"])
    if save_form is None and page is not None:
        save_form = SavedViewForm(
            initial={"query": form.query_string()},
            sharing_ids=permissions.sharing_department_ids(user),
        )
    may_change = view is not None and permissions.may_change_saved_view(user, view)
    if rename_form is None and may_change:
        rename_form = RenameViewForm(initial={"name": view.name})
    context = {
        "form": form,
        "page": page,
        "view": view,
        "may_change_view": may_change,
        "save_form": save_form,
        "rename_form": rename_form,
    }
    return render(request, "workspace/search.html", context, status=status)


def _view_for(user, view_id) -> SavedView:
    """The saved view `user` may open, else 404 (another's personal view does not exist)."""
    if int(view_id) >= 2**63:
        raise Http404
    return get_object_or_404(permissions.visible_saved_views(user), id=int(view_id))


def _view_url(view: SavedView) -> str:
    separator = "&" if view.query else ""
    return f"{reverse('find:search')}?{view.query}{separator}view={view.id}"


@panel_only
def open_view(request, view_id):
    return redirect(_view_url(_view_for(request.user, view_id)))


@panel_only
@require_POST
def save_view(request):
    user = request.user
    form = SavedViewForm(request.POST, sharing_ids=permissions.sharing_department_ids(user))
    if not form.is_valid():
        # The search again, as it was, with the message beside the name: nothing typed lost.
        request.GET = QueryDict(request.POST.get(f"{form.prefix}-query", "")[:2000])
        return search(request, save_form=form, status=400)
    data = form.cleaned_data
    view = saved_views.save_view(
        actor=user, name=data["name"], query=data["query"], department=data.get("department")
    )
    messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
    return redirect(_view_url(view))


def _changeable_view(user, view_id) -> SavedView:
    view = _view_for(user, view_id)
    if not permissions.may_change_saved_view(user, view):
        raise Http404
    return view


@panel_only
@require_POST
def rename_view(request, view_id):
    view = _changeable_view(request.user, view_id)
    form = RenameViewForm(request.POST)
    if not form.is_valid():
        request.GET = QueryDict(f"{view.query}&view={view.id}" if view.query else f"view={view.id}")
        return search(request, rename_form=form, status=400)
    saved_views.rename_view(view=view, name=form.cleaned_data["name"])
    messages.success(request, _("The view is renamed."))
    return redirect(_view_url(view))


@panel_only
@require_POST
def delete_view(request, view_id):
    view = _changeable_view(request.user, view_id)
    view.delete()
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return redirect("agent:queues")


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
