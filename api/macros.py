"""Macros for agents, as the panel has them: the ones an agent may use (workspace.permissions),
a macro's preview on a ticket (its reply filled, its steps), and the macro applied through
workspace.macros, each step by its ticket service, a refused step told beside the done ones.

The ticket comes through the tickets' gate and the macro through the usable ones: either out
of reach is 404, as it is to anyone but an agent (the panel's pages are unknown to others)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from workspace import macros
from workspace.permissions import usable_macros

from . import serializers as s
from .forms import MacroSeenForm
from .permissions import CallerMayUseApi, IsAgent
from .views import MAX_NUMBER, NUMBER, PROBLEMS, ApiView, _done, _form, _ticket

SHOWN = ("owner", "department", "progress_label", "priority", "assignee", "transfer_to")
MACRO_ID = OpenApiParameter("macro_id", int, OpenApiParameter.PATH, description="The macro's id")


class MacroList(ApiView):
    permission_classes = [CallerMayUseApi, IsAgent]

    @extend_schema(responses={200: s.MacroOut(many=True), **PROBLEMS}, operation_id="macros_list")
    def get(self, request):
        """The agent's own macros and those shared with their departments (an administrator:
        every shared one), by name."""
        rows = usable_macros(request.user).select_related(*SHOWN).order_by("name", "id")
        return Response(s.MacroOut(rows, many=True, context={"user": request.user}).data)


def _ticket_and_macro(request, number, macro_id):
    if not request.user.is_agent or macro_id > MAX_NUMBER:
        raise NotFound
    ticket = _ticket(request, number)
    macro = usable_macros(request.user).select_related(*SHOWN).filter(id=macro_id).first()
    if macro is None:
        raise NotFound
    return ticket, macro


class MacroPreview(ApiView):
    @extend_schema(parameters=[NUMBER, MACRO_ID], responses={200: s.MacroPreview, **PROBLEMS},
                   operation_id="tickets_macro_preview")  # fmt: skip
    def get(self, request, number, macro_id):
        """What the macro would do to the ticket: its reply filled for it, and its steps."""
        ticket, macro = _ticket_and_macro(request, number, macro_id)
        return Response({
            "macro": macro.id,
            "text": macros.filled_text(macro, ticket, request.user),
            "steps": [step.text for step in macros.steps(macro, ticket, request.user)],
            "seen": ticket.entries.order_by("-id").values_list("id", flat=True).first(),
        })  # fmt: skip


class MacroApply(ApiView):
    @extend_schema(
        parameters=[NUMBER, MACRO_ID],
        request={"application/json": s.MacroBody, "multipart/form-data": s.MacroBody},
        responses={200: s.MacroApplied, **PROBLEMS}, operation_id="tickets_macro_apply",
    )  # fmt: skip
    def post(self, request, number, macro_id):
        """Apply the macro, each step through its own service: a refused one (the agent may
        not transfer, say) leaves the others done, and is told with its reason."""
        ticket, macro = _ticket_and_macro(request, number, macro_id)
        seen = _form(MacroSeenForm, request).cleaned_data["seen"]
        outcome = macros.apply_macro(
            macro=macro, ticket=ticket, actor=request.user, seen_entry_id=seen
        )
        now = _done(request, ticket).data["ticket"]
        return Response({
            "done": outcome.done,
            "refused": [{"step": step, "reason": reason} for step, reason in outcome.refused],
            "ticket": now,
        })  # fmt: skip
