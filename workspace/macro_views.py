"""Macros: one's own and those shared with a department (list, new, edit, delete), and a
macro applied to a ticket after its preview."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import permissions as tickets_gate

from . import macros, permissions
from .forms import MacroForm
from .models import Macro
from .search_views import panel_only

SHOWN = ("owner", "department", "progress_label", "priority", "assignee", "transfer_to")


@panel_only
def macro_list(request):
    """The agent's own macros, those of their departments, and a new one."""
    user = request.user
    form = MacroForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        macros.save_macro(actor=user, **form.values())
        messages.success(request, _("Your macro is saved."))
        return redirect("macros:list")
    mine = Macro.objects.filter(owner=user).select_related(*SHOWN)
    shared = permissions.usable_macros(user).exclude(owner=user).select_related(*SHOWN)
    changeable = set(permissions.changeable_macros(user).values_list("id", flat=True))
    context = {"form": form, "mine": mine, "shared": shared, "changeable": changeable}
    return render(request, "workspace/macros.html", context)


@panel_only
def edit_macro(request, macro_id):
    macro = get_object_or_404(permissions.changeable_macros(request.user), id=macro_id)
    form = MacroForm(request.POST or None, actor=request.user, macro=macro)
    if request.method == "POST" and form.is_valid():
        macros.save_macro(actor=request.user, macro=macro, **form.values())
        messages.success(request, _("The macro is saved."))
        return redirect("macros:list")
    return render(request, "workspace/macro_edit.html", {"form": form, "macro": macro})


@panel_only
@require_POST
def delete_macro(request, macro_id):
    macro = get_object_or_404(permissions.changeable_macros(request.user), id=macro_id)
    macros.delete_macro(actor=request.user, macro=macro)
    messages.success(request, _("The macro is deleted."))
    return redirect("macros:list")


@panel_only
def apply_macro(request, number):
    """Choose a macro (`macro`), see its text filled and its actions, then (POST) apply it."""
    ticket = tickets_gate.get_ticket_for(request.user, number)
    usable = permissions.usable_macros(request.user).select_related(*SHOWN)
    chosen_id = request.POST.get("macro") or request.GET.get("macro")
    macro = get_object_or_404(usable, id=chosen_id) if str(chosen_id).isdigit() else None
    if request.method == "POST" and macro is not None:
        seen = request.POST.get("seen", "")
        outcome = macros.apply_macro(
            macro=macro,
            ticket=ticket,
            actor=request.user,
            seen_entry_id=int(seen) if seen.isdigit() else None,
        )
        _tell(request, macro, outcome)
        return redirect("agent:ticket", ticket.number)
    context = {
        "ticket": ticket,
        "usable": usable,
        "macro": macro,
        "seen": ticket.entries.order_by("-id").values_list("id", flat=True).first(),
    }
    if macro is not None:
        context["text"] = macros.filled_text(macro, ticket, request.user)
        context["steps"] = [step.text for step in macros.steps(macro, ticket, request.user)]
    return render(request, "workspace/macro_apply.html", context)


def _tell(request, macro, outcome):
    if outcome.done:
        messages.success(
            request,
            _("Macro “%(name)s” applied: %(done)s.")
            % {"name": macro.name, "done": "; ".join(outcome.done)},
        )
    for step, reason in outcome.refused:
        messages.warning(
            request, _("Not done: %(step)s. %(reason)s") % {"step": step, "reason": reason}
        )
