"""The REST API (/api/v1/): thin views over the tickets' gate, the pages' forms and the same
services. Each view fetches through `get_ticket_for()` (404 for a ticket one may not see),
checks the panel's predicate (403), validates with the page's form (400 with its field
errors) and calls the one service; the refusals the services raise become problems."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from core.paging import seek_page
from tickets import permissions, queues, selectors, services
from tickets.agent_forms import (
    AgentReplyForm,
    AssignForm,
    FinalizeForm,
    NoteForm,
    ProgressForm,
    QueueFilterForm,
    ResolveForm,
    TransferForm,
)
from tickets.forms import NotSolvedForm, PriorityForm, RatingForm, ReplyForm, TicketFilterForm
from tickets.forms import TicketForm as OpenForm
from tickets.models import (
    Attachment,
    CannedReply,
    Category,
    Priority,
    Product,
    ProgressLabel,
    Severity,
)
from tickets.permissions import get_ticket_for, visible_tickets
from tickets.workflow import Action

from . import ratelimits
from . import serializers as s
from .authentication import TokenAuthentication
from .permissions import CallerMayUseApi, IsAgent
from .problems import (
    BODY_NOT_OBJECT,
    FIELD_NOT_SCALAR,
    MEDIA_TYPE,
    UNKNOWN_CHOICE,
    Problem,
    invalid,
)

MAX_NUMBER = 2_147_483_647  # the largest number a ticket (or a row's id here) can have

# Refusals are problem details (RFC 9457), described with their own media type.
PROBLEMS = {
    (code, MEDIA_TYPE): OpenApiResponse(s.ProblemOut, description=description)
    for code, description in [(400, "Not valid"), (401, "No valid token"), (403, "Not allowed"),
                              (404, "Not found, or not yours to see"),
                              (409, "The ticket's state does not allow it"),
                              (429, "Too many requests")]
}  # fmt: skip


class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [CallerMayUseApi]

    def initial(self, request, *args, **kwargs):
        ratelimits.spend_address(request)
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request):
        ratelimits.spend_caller(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in ratelimits.headers(request).items():
            response[name] = value
        return response


class NoSuchEndpoint(APIView):
    """Any other address under /api/v1/ (a negative number, say, which no path takes): a
    problem, as every other refusal of the API, not the site's HTML page."""

    schema = None
    authentication_classes: list = []
    permission_classes: list = []

    def initial(self, request, *args, **kwargs):
        raise NotFound


def _ticket(request, number, *, may=None, write=False):
    if number > MAX_NUMBER:
        raise NotFound
    ticket = get_ticket_for(request.user, number, write=write)
    if may is not None and not may(request.user, ticket):
        raise PermissionDenied
    return ticket


def _data(request) -> QueryDict:
    """The body as a form reads it, from JSON or multipart alike: scalars as text, a list of
    links as lines; anything else is refused here, not half-way through a form."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise Problem(400, BODY_NOT_OBJECT, code="invalid")
    plain = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list) and name == "links" and all(isinstance(v, str) for v in value):
            value = "\n".join(value)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            continue
        elif isinstance(value, int | float | str):
            value = str(value)
        else:
            raise Problem(400, BODY_NOT_OBJECT, errors={name: [str(FIELD_NOT_SCALAR)]},
                          code="invalid")  # fmt: skip
        plain[name] = value
    return plain


def _form(form_class, request, *, defaults=None, **kwargs):
    """The page's form bound to the body (`defaults` stand for what the page preselects)."""
    files = request.FILES if isinstance(request.data, QueryDict) else MultiValueDict()
    data = _data(request).copy()
    for name, value in (defaults or {}).items():
        data.setdefault(name, value)
    if "billable" in form_class.base_fields:  # time is billable unless said otherwise
        data.setdefault("billable", "true")
    form = form_class(data, files, **kwargs)
    form.prefix = None  # the pages prefix their fields; the API names them plainly
    if not form.is_valid():
        raise invalid(form)
    return form


def _done(request, ticket, status=200):
    """The ticket as it is now, or null once the action took it out of the caller's reach."""
    now = (
        visible_tickets(request.user)
        .select_related("requester", "organization", "assignee", "rating")
        .filter(id=ticket.id)
        .first()
    )
    return Response({"ticket": s.TicketDetail(now).data if now else None}, status=status)


def page_link(request, name: str, cursor: str | None) -> str | None:
    """The address of the page a cursor points at (`after` or `before`), the rest kept."""
    if not cursor:
        return None
    params = request.query_params.copy()
    params.pop("after", None)
    params.pop("before", None)
    params.pop("page", None)
    params[name] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _acts_for_requester(request, ticket) -> bool:
    return permissions.acts_for_requester(request.user, ticket)


NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="The ticket's number")
LIST_PARAMETERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in [
        ("scope", "Customers: mine or organization (master users)"),
        ("state", "Customers: open, closed or all"),
        ("person", "Master users: who opened it (a person's id)"),
        ("queue", "Agents: new, customer_replied, claimed, waiting, pending, mine, team_open, "
                  "team_waiting, escalations, all (the default)"),
        ("priority", "Agents: a priority's id"),
        ("agent", "Agents: the assignee's id"),
        ("due", "Agents: overdue, today or week"),
        ("q", "Words to search for"),
        ("department", "A department's id"),
        ("category", "A category's id"),
        ("sort", "Customers: -updated (default), updated, -created, created, number, -number, "
                 "title, status; agents: due (default), -due, updated, -updated, number, "
                 "-number, priority, -priority"),
        ("after", "The cursor of the next page (from `next`)"),
        ("before", "The cursor of the previous page (from `previous`)"),
    ]
]  # fmt: skip


class TicketList(ApiView):
    @extend_schema(parameters=LIST_PARAMETERS, responses={200: s.TicketPage, **PROBLEMS},
                   operation_id="tickets_list")  # fmt: skip
    def get(self, request):
        """The tickets of the panel's queues (agents) or of the portal's list (customers),
        newest page first, a page at a time by cursor."""
        user = request.user
        if user.is_agent:
            tickets, keys = self._queue(request)
        else:
            form = TicketFilterForm(request.query_params, user=user)
            if not form.is_valid():
                raise invalid(form)
            tickets = selectors.portal_ticket_list(user, filters=form.cleaned_data)
            keys = selectors.portal_sort_keys(form.cleaned_data["sort"], TicketFilterForm.SORTS)
        tickets = tickets.select_related("requester", "organization", "assignee").only(*ROW_FIELDS)
        page = seek_page(tickets, keys, request.query_params, per_page=settings.TICKETS_PER_PAGE)
        return Response({
            "results": s.TicketRow(page.object_list, many=True).data,
            "next": self._link(request, "after", page.next_cursor),
            "previous": self._link(request, "before", page.previous_cursor),
        })  # fmt: skip

    def _queue(self, request):
        form = QueueFilterForm(request.query_params)
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        if data.get("queue") and data["queue"] not in queues.queues_for(request.user):
            form.add_error("queue", UNKNOWN_CHOICE)
        if data.get("sort") and data["sort"] not in queues.SORTS:
            form.add_error("sort", UNKNOWN_CHOICE)
        if not valid or form.errors:
            raise invalid(form)
        tickets = queues.queue_tickets(request.user, data.get("queue") or "all", data)
        return tickets, queues.queue_sort_keys(data.get("sort"))

    def _link(self, request, name, cursor):
        return page_link(request, name, cursor)

    @extend_schema(request={"application/json": s.OpenBody, "multipart/form-data": s.OpenBody},
                   responses={201: s.Done, **PROBLEMS}, operation_id="tickets_open")  # fmt: skip
    def post(self, request):
        """Open a ticket as its customer, as the portal's form does (files by multipart)."""
        data = _form(OpenForm, request).cleaned_data
        ticket = services.open_ticket(
            actor=request.user, requester=request.user, department=data["department"],
            title=data["title"], body_html=data["body"], category=data["category"],
            product=data["product"], priority=data["priority"], severity=data["severity"],
            files=data["attachments"], links=data["links"],
        )  # fmt: skip
        return _done(request, ticket, status=201)


ROW_FIELDS = ("number", "title", "status", "updated_at", "department", "requester__full_name",
              "organization__name", "assignee__full_name")  # fmt: skip


class TicketDetail(ApiView):
    @extend_schema(parameters=[NUMBER], responses={200: s.TicketDetail, **PROBLEMS})
    def get(self, request, number):
        return Response(s.TicketDetail(_ticket(request, number)).data)


class Thread(ApiView):
    @extend_schema(parameters=[NUMBER], responses={200: s.Entry(many=True), **PROBLEMS})
    def get(self, request, number):
        """The history as the caller sees it on the pages: public entries for customers, the
        whole of it with internal notes for agents who work on the ticket."""
        ticket = _ticket(request, number)
        if request.user.is_agent:
            works = permissions.works_on(request.user, ticket)
            entries = queues.agent_thread(ticket, notes=works)
        else:
            entries = selectors.public_thread(ticket)
        return Response(s.Entry(entries, many=True, context={"ticket": ticket}).data)


class AttachmentDownload(ApiView):
    @extend_schema(
        parameters=[NUMBER, OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **PROBLEMS},
    )
    def get(self, request, number, attachment_id):
        ticket = _ticket(request, number)
        files = Attachment.objects.filter(entry__ticket=ticket)
        if not permissions.works_on(request.user, ticket):  # notes' files, as on the pages
            files = files.filter(entry__is_public=True)
        if attachment_id > MAX_NUMBER * 2:
            raise NotFound
        found = get_object_or_404(files, id=attachment_id)
        response = FileResponse(
            found.file.open("rb"), as_attachment=True, filename=found.name,
            content_type=found.content_type,
        )  # fmt: skip
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


def action(body, *, summary):
    """The description of a POST that acts on a ticket."""
    return extend_schema(
        parameters=[NUMBER],
        request={"application/json": body, "multipart/form-data": body} if body else None,
        responses={200: s.Done, **PROBLEMS},
        summary=summary,
    )


class Reply(ApiView):
    @action(s.ReplyBody, summary="Reply (the customer, or an agent)")
    def post(self, request, number):
        """A public reply. The customer's side as on the portal; an agent's as in the panel
        (`then` says where the ticket goes; an unclaimed ticket is claimed by it)."""
        ticket = _ticket(request, number)
        user = request.user
        if _acts_for_requester(request, ticket) and not permissions.works_on(user, ticket):
            data = _form(ReplyForm, request, ticket=ticket).cleaned_data
            extra = {"quoted": data["quoted"]}
        elif permissions.may_reply(user, ticket) or permissions.may_take_over(user, ticket):
            form = _form(AgentReplyForm, request, defaults={"then": Action.REPLY_AND_WAIT})
            data = form.cleaned_data
            extra = {"then": data["then"], "work": form.work(),
                     "taking_over": data["taking_over"]}  # fmt: skip
        else:
            raise PermissionDenied
        services.reply_to_ticket(
            ticket=ticket, actor=user, body_html=data["body"], files=data["attachments"],
            links=data["links"], **extra,
        )  # fmt: skip
        return _done(request, ticket)


class Note(ApiView):
    @action(s.NoteBody, summary="Internal note (agents)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.works_on)
        form = _form(NoteForm, request)
        data = form.cleaned_data
        services.add_note(
            ticket=ticket, actor=request.user, body_html=data["body"],
            files=data["attachments"], links=data["links"], work=form.work(),
        )  # fmt: skip
        return _done(request, ticket)


class Claim(ApiView):
    @action(s.ClaimBody, summary="Claim (agents of its department)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.may_claim)
        follow = _data(request).get("follow", "").lower() in ("true", "on", "1")
        services.claim_ticket(ticket=ticket, actor=request.user, follow=follow)
        return _done(request, ticket)


class Assign(ApiView):
    @action(s.AssignBody, summary="Assign to an agent (managers, administrators)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.may_assign)
        agent = _form(AssignForm, request, ticket=ticket).cleaned_data["agent"]
        services.assign_ticket(ticket=ticket, actor=request.user, agent=agent)
        return _done(request, ticket)


class Transfer(ApiView):
    @action(s.TransferBody, summary="Transfer to a department and agent")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.may_transfer)
        data = _form(TransferForm, request).cleaned_data
        services.transfer_ticket(
            ticket=ticket, actor=request.user, department=data["department"], agent=data["agent"]
        )
        return _done(request, ticket)


class SetPriority(ApiView):
    @action(s.PriorityBody, summary="Set the priority (its customer, or who may edit it)")
    def post(self, request, number):
        ticket = _ticket(request, number)
        priority = _form(PriorityForm, request).cleaned_data["priority"]
        if _acts_for_requester(request, ticket):
            services.change_priority(ticket=ticket, actor=request.user, priority=priority)
        elif permissions.may_edit(request.user, ticket):
            services.edit_ticket(ticket=ticket, actor=request.user, priority=priority)
        else:
            raise PermissionDenied
        return _done(request, ticket)


class SetLabel(ApiView):
    @action(s.LabelBody, summary="Set or end the progress label (who holds it)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.holds)
        data = _form(ProgressForm, request).cleaned_data
        services.set_progress(
            ticket=ticket, actor=request.user, label=data["label"], body_html=data["body"]
        )
        return _done(request, ticket)


class Resolve(ApiView):
    @action(s.ResolveBody, summary="Resolve (who holds it)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.holds)
        form = _form(ResolveForm, request)
        services.resolve_ticket(
            ticket=ticket, actor=request.user, body_html=form.cleaned_data["body"],
            work=form.work(),
        )  # fmt: skip
        return _done(request, ticket)


class Finalize(ApiView):
    @action(s.FinalizeBody, summary="Finalize with a reason (who holds it)")
    def post(self, request, number):
        ticket = _ticket(request, number, may=permissions.holds)
        form = _form(FinalizeForm, request, ticket=ticket)
        services.finalize_ticket(
            ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"],
            work=form.work(), unanswered=form.cleaned_data.get("unanswered", False),
        )  # fmt: skip
        return _done(request, ticket)


class Close(ApiView):
    @action(None, summary="Close (its customer)")
    def post(self, request, number):
        ticket = _ticket(request, number, write=True)
        services.close_ticket(ticket=ticket, actor=request.user)
        return _done(request, ticket)


class Rate(ApiView):
    @action(s.RateBody, summary="Rate 1 to 5 stars (its customer)")
    def post(self, request, number):
        ticket = _ticket(request, number, write=True)
        data = _form(RatingForm, request).cleaned_data
        services.rate_ticket(
            ticket=ticket, actor=request.user, score=data["score"], comment=data["comment"]
        )
        return _done(request, ticket)


class Reopen(ApiView):
    @action(s.ReopenBody, summary="Reopen: “not solved” for its customer, or by an agent")
    def post(self, request, number):
        ticket = _ticket(request, number)
        if _acts_for_requester(request, ticket) and not request.user.is_agent:
            body = _form(NotSolvedForm, request).cleaned_data["body"]
            services.mark_not_solved(ticket=ticket, actor=request.user, body_html=body)
        elif permissions.works_on(request.user, ticket):
            services.reopen_ticket(ticket=ticket, actor=request.user)
        else:
            raise PermissionDenied
        return _done(request, ticket)


def configuration_list(model, serializer=s.Named, *, name):
    class View(ApiView):
        @extend_schema(responses={200: serializer(many=True), **PROBLEMS}, operation_id=name)
        def get(self, request):
            return Response(serializer(model.objects.filter(is_active=True), many=True).data)

    View.__name__ = View.__qualname__ = f"{model.__name__}List"
    return View.as_view()


class CannedReplies(ApiView):
    permission_classes = [CallerMayUseApi, IsAgent]

    @extend_schema(responses={200: s.CannedReply(many=True), **PROBLEMS})
    def get(self, request):
        """The agent's own canned replies and those of their departments (unfilled)."""
        replies = CannedReply.objects.filter(
            Q(owner=request.user)
            | Q(department_id__in=request.user.department_ids)  # shared by anyone of them
            | Q(owner__isnull=True, department__isnull=True)
        ).order_by("title", "id")
        return Response(s.CannedReply(replies, many=True).data)


departments = configuration_list(Department, name="departments_list")
categories = configuration_list(Category, s.Category, name="categories_list")
products = configuration_list(Product, name="products_list")
priorities = configuration_list(Priority, s.Priority, name="priorities_list")
severities = configuration_list(Severity, name="severities_list")
labels = configuration_list(ProgressLabel, name="labels_list")
