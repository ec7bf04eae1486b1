"""Guided attendance in the agent panel (manual S1): origin, earlier contacts, client, plan and
problem, script, first contact, protocol; and the service orders, tasks, templated e-mail and
technician agenda that follow it."""

from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User, normalize_email
from accounts.services import create_customer
from tickets import attendance_selectors as selectors
from tickets import permissions
from tickets.attendance_forms import (
    AnswerForm,
    ClientSearchForm,
    ContactSearchForm,
    DetailsForm,
    FirstContactForm,
    NewContactForm,
    OriginForm,
    ScriptChoiceForm,
    ServiceOrderForm,
    TaskForm,
    TicketEmailForm,
)
from tickets.canned import fill_text, placeholders
from tickets.models import Department, EmailTemplate, ServiceOrder, TicketTask
from tickets.permissions import get_attendance_for, get_ticket_for
from tickets.services import NotAllowed, field_work
from tickets.services import attendance as steps
from tickets.services.attendance import AttendanceFinished, Outcome

from .agent import agent_required


def attendance_step(view):
    """An agent's attendance step: refusals by the services become 403, and a step taken on
    an attendance that finished meanwhile (a second tab, a double click) shows its protocol."""

    @agent_required
    @wraps(view)
    def wrapper(request, attendance_id, *args, **kwargs):
        try:
            return view(request, attendance_id, *args, **kwargs)
        except AttendanceFinished:
            return redirect("agent:attendance_done", attendance_id)
        except NotAllowed:
            raise PermissionDenied from None

    return wrapper


STEPS = [
    ("origin", gettext_lazy("Origin")),
    ("contacts", gettext_lazy("Earlier contacts")),
    ("client", gettext_lazy("Client")),
    ("details", gettext_lazy("Attendance data")),
    ("script", gettext_lazy("Script")),
    ("first_contact", gettext_lazy("First contact")),
    ("done", gettext_lazy("Protocol")),
]


def _page(request, template, attendance, step, **context):
    context.update(attendance=attendance, step=step, steps=STEPS)
    return render(request, f"agent/attendance/{template}.html", context)


def _step(request, attendance_id, *, needs=None):
    """The agent's own attendance, open (a finished one shows its protocol)."""
    attendance = get_attendance_for(request.user, attendance_id)
    if attendance.finished_at is not None:
        return attendance, redirect("agent:attendance_done", attendance.id)
    if needs == "client" and attendance.client_id is None:
        return attendance, redirect("agent:attendance_client", attendance.id)
    if needs == "ticket" and attendance.ticket_id is None:
        return attendance, redirect("agent:attendance_details", attendance.id)
    return attendance, None


@agent_required
def new(request):
    form = OriginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attendance = steps.start_attendance(actor=request.user, origin=form.cleaned_data["origin"])
        return redirect("agent:attendance_contacts", attendance.id)
    unfinished = (
        permissions.attendances_for(request.user)
        .filter(agent=request.user, finished_at__isnull=True)
        .select_related("client")[:10]
    )
    return _page(request, "origin", None, "origin", form=form, unfinished=unfinished)


@attendance_step
def contacts(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id)
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        email = normalize_email(request.POST.get("email", ""))
        client = User.objects.filter(email=email, role=User.Role.CUSTOMER, is_active=True).first()
        steps.set_contact_email(
            attendance=attendance, actor=request.user, email=email, client=client
        )
        return redirect("agent:attendance_client", attendance.id)
    bound = "email" in request.GET
    form = ContactSearchForm(request.GET if bound else None, initial={
        "email": attendance.contact_email, "limit": 20,
    })  # fmt: skip
    found = None
    if bound and form.is_valid():
        data = form.cleaned_data
        found = selectors.earlier_contacts(
            request.user, email=data["email"], days=data["days"], start=data["start"],
            end=data["end"], limit=data["limit"],
        )  # fmt: skip
    return _page(request, "contacts", attendance, "contacts", form=form, found=found)


@agent_required
def addresses(request):
    """Suggestions for the contacts step's address field, as the agent types."""
    return JsonResponse(
        {"addresses": selectors.addresses_starting(request.user, request.GET.get("q", ""))}
    )


@attendance_step
def client(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id)
    if elsewhere:
        return elsewhere
    if attendance.ticket_id is not None:
        return redirect("agent:attendance_details", attendance.id)
    add_form = NewContactForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        person = None
        if request.POST.get("action") == "choose":
            person = get_object_or_404(User, id=request.POST.get("client"), role=User.Role.CUSTOMER)
        elif add_form.is_valid():
            data = add_form.cleaned_data
            person = create_customer(
                actor=request.user, full_name=data["full_name"], email=data["email"],
                organization=data["organization"], phone=data["phone"],
            )  # fmt: skip
        if person is not None:
            steps.choose_client(attendance=attendance, actor=request.user, client=person)
            return redirect("agent:attendance_details", attendance.id)
    bound = "text" in request.GET
    search = ClientSearchForm(request.GET if bound else None, initial={
        "field_name": "email", "condition": "contains", "limit": 20,
        "text": attendance.contact_email,
    })  # fmt: skip
    found = None
    if bound and search.is_valid():
        data = search.cleaned_data
        found = selectors.find_clients(
            field_name=data["field_name"], condition=data["condition"], text=data["text"],
            limit=data["limit"],
        )  # fmt: skip
    return _page(
        request, "client", attendance, "client", search=search, found=found, add_form=add_form
    )


@attendance_step
def details(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id, needs="client")
    if elsewhere:
        return elsewhere
    if attendance.ticket_id is not None:
        return redirect("agent:attendance_script", attendance.id)
    form = DetailsForm(request.POST or None, initial={"plan": attendance.plan_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        steps.record_attendance_details(
            attendance=attendance, actor=request.user, plan=data["plan"],
            problem=data["problem"], title=data["title"],
        )  # fmt: skip
        return redirect("agent:attendance_script", attendance.id)
    return _page(request, "details", attendance, "details", form=form)


@attendance_step
def script(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id, needs="ticket")
    if elsewhere:
        return elsewhere
    if attendance.script_ended_at is not None:
        return redirect("agent:attendance_first_contact", attendance.id)
    if request.method == "POST":
        return _script_action(request, attendance)
    if attendance.script_id is None:
        return _page(request, "script", attendance, "script", choose_form=ScriptChoiceForm())
    question, chosen = steps.script_step(attendance)
    answer_form = AnswerForm(question=question, initial={"option": chosen}) if question else None
    return _page(
        request, "script", attendance, "script", question=question, answer_form=answer_form,
        report=steps.script_report(attendance),
    )  # fmt: skip


def _script_action(request, attendance):
    action = request.POST.get("action")
    again = redirect("agent:attendance_script", attendance.id)
    if action == "choose":
        form = ScriptChoiceForm(request.POST)
        if not form.is_valid():
            return _page(request, "script", attendance, "script", choose_form=form)
        steps.choose_script(
            attendance=attendance, actor=request.user, script=form.cleaned_data["script"]
        )
    elif action == "answer":
        question, _chosen = steps.script_step(attendance)
        form = AnswerForm(request.POST, question=question) if question else None
        if form is None or not form.is_valid():
            messages.error(request, _("Mark the client's answer."))
            return again
        steps.answer_question(
            attendance=attendance, actor=request.user, option=form.cleaned_data["option"]
        )
    elif action in ("previous", "go_to"):
        position = attendance.script_position - 1
        if action == "go_to":
            position = int(request.POST.get("position", -1))
        steps.go_to_answer(attendance=attendance, actor=request.user, position=position)
    else:  # "end" or "skip"
        steps.end_script(attendance=attendance, actor=request.user)
        return redirect("agent:attendance_first_contact", attendance.id)
    return again


@attendance_step
def first_contact(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id, needs="ticket")
    if elsewhere:
        return elsewhere
    ticket = attendance.ticket
    form = FirstContactForm(
        request.POST or None, request.FILES or None,
        may_transfer=permissions.may_transfer(request.user, ticket),
        may_resolve=permissions.works_on(request.user, ticket),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        steps.record_first_contact(
            attendance=attendance, actor=request.user, attendance_type=data["attendance_type"],
            description=data["description"], files=data["attachments"], outcome=data["outcome"],
        )  # fmt: skip
        follow_up = FOLLOW_UPS.get(data["outcome"])
        if follow_up:
            return redirect(reverse(follow_up, args=[ticket.number]) + "?then=attendance")
        return redirect("agent:attendance_done", attendance.id)
    return _page(request, "first_contact", attendance, "first_contact", form=form)


FOLLOW_UPS = {
    Outcome.SERVICE_ORDER: "agent:service_order_new",
    Outcome.TASK: "agent:task_new",
    Outcome.EMAIL: "agent:ticket_email",
}


@agent_required
def done(request, attendance_id):
    attendance = get_attendance_for(request.user, attendance_id)
    if attendance.finished_at is None:
        return redirect("agent:attendance_first_contact", attendance.id)
    return _page(request, "done", attendance, "done", ticket=attendance.ticket)


# What follows on a ticket: service orders, tasks, e-mail (S1 1.7 to 1.9).


def _follow_up_ticket(request, number):
    ticket = get_ticket_for(request.user, number)
    if not permissions.may_follow_up(request.user, ticket):
        raise PermissionDenied
    return ticket


def _after(request, ticket):
    """Back to the attendance's protocol when the step came from it, else to the ticket."""
    then = request.POST.get("then") or request.GET.get("then")
    attendance = getattr(ticket, "attendance", None) if then == "attendance" else None
    if attendance is not None and attendance.finished_at is not None:
        return redirect("agent:attendance_done", attendance.id)
    return redirect("agent:ticket", ticket.number)


def _order_initial(request):
    day = _parse_date(request.GET.get("date")) or timezone.localdate()
    initial = {"date": day, "status": ServiceOrder.Status.SCHEDULED, "technician": None}
    for name in ("technician", "kind", "start", "end"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


@agent_required
def service_order_new(request, number):
    ticket = _follow_up_ticket(request, number)
    form = ServiceOrderForm(request.POST or None, initial=_order_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            order = field_work.schedule_service_order(
                ticket=ticket, actor=request.user, **form.schedule()
            )  # fmt: skip
        except field_work.Overlaps as clash:
            form.overlaps(clash.order)
        else:
            messages.success(request, _("Service order scheduled: %(when)s with %(who)s.") % {
                "when": timezone.localtime(order.starts_at).strftime("%Y-%m-%d %H:%M"),
                "who": order.technician.full_name,
            })  # fmt: skip
            return _after(request, ticket)
    return _order_page(request, ticket, form, title=_("New service order"))


@agent_required
def service_order_from_agenda(request):
    """A free slot of the agenda, clicked with no ticket in hand: the form asks for one."""
    form = ServiceOrderForm(request.POST or None, initial=_order_initial(request), ask_ticket=True)
    if request.method == "POST" and form.is_valid():
        ticket = _ticket_or_none(request.user, form.cleaned_data["ticket_number"])
        if ticket is None:
            form.add_error("ticket_number", _("No ticket with this number is yours to schedule."))
        else:
            return service_order_new(request, ticket.number)
    return _order_page(request, None, form, title=_("New service order"))


def _ticket_or_none(user, number):
    try:
        ticket = get_ticket_for(user, number)
    except Http404:
        return None
    return ticket if permissions.may_follow_up(user, ticket) else None


@agent_required
def service_order_edit(request, order_id):
    order = get_object_or_404(ServiceOrder.objects.select_related("ticket"), id=order_id)
    ticket = _follow_up_ticket(request, order.ticket.number)
    local_start, local_end = timezone.localtime(order.starts_at), timezone.localtime(order.ends_at)
    initial = {
        "technician": order.technician_id, "kind": order.kind, "status": order.status,
        "date": local_start.date(), "start": local_start.time(), "end": local_end.time(),
        "description": order.description,
    }  # fmt: skip
    form = ServiceOrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            field_work.change_service_order(
                order=order, actor=request.user, **form.schedule()
            )  # fmt: skip
        except field_work.Overlaps as clash:
            form.overlaps(clash.order)
        else:
            messages.success(request, _("The service order is saved."))
            return redirect("agent:ticket", ticket.number)
    return _order_page(request, ticket, form, title=_("Service order"), order=order)


def _order_page(request, ticket, form, **context):
    then = request.GET.get("then", "")
    query = urlencode({"ticket": ticket.number, "then": then} if ticket else {})
    agenda = reverse("agent:agenda") + (f"?{query}" if query else "")
    return render(request, "agent/service_order.html", {
        "ticket": ticket, "form": form, "agenda_url": agenda, "then": request.GET.get("then", ""),
        **context,
    })  # fmt: skip


@agent_required
def task_new(request, number):
    ticket = _follow_up_ticket(request, number)
    form = TaskForm(request.POST or None, ticket=ticket, initial={"assignee": request.user.id})
    if request.method == "POST" and form.is_valid():
        field_work.add_task(ticket=ticket, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The task is created."))
        return _after(request, ticket)
    return render(request, "agent/form_page.html", {
        "ticket": ticket, "form": form, "title": _("New task"), "submit": _("Create the task"),
        "then": request.GET.get("then", ""),
    })  # fmt: skip


@agent_required
def tasks(request):
    """The agent's own tasks across tickets, open ones first by due date."""
    done = request.GET.get("done") == "1"
    page = Paginator(selectors.tasks_for(request.user, done=done), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "agent/tasks.html", {"page": page, "done": done})


@agent_required
@require_POST
def task_done(request, task_id):
    task = get_object_or_404(TicketTask.objects.select_related("ticket"), id=task_id)
    ticket = get_ticket_for(request.user, task.ticket.number)
    try:
        field_work.complete_task(task=task, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("The task is done."))
    if request.POST.get("back") == "tasks":
        return redirect("agent:tasks")
    return redirect("agent:ticket", ticket.number)


@agent_required
def ticket_email(request, number):
    ticket = _follow_up_ticket(request, number)
    contacts = selectors.client_contacts(ticket)
    form = TicketEmailForm(
        request.POST or None, request.FILES or None, contacts=contacts,
        initial={"recipients": [ticket.requester.email]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        field_work.send_ticket_email(
            ticket=ticket, actor=request.user, to=data["recipients"], cc=data["cc"],
            subject=data["subject"], body=data["body"], files=data["attachments"],
        )  # fmt: skip
        messages.success(request, _("The e-mail is on its way."))
        return _after(request, ticket)
    return render(request, "agent/ticket_email.html", {
        "ticket": ticket, "form": form, "then": request.GET.get("then", ""),
        "templates": _filled_templates(ticket, request.user),
    })  # fmt: skip


def _filled_templates(ticket, agent) -> dict:
    values = placeholders(ticket, agent)
    return {
        str(template.id): {
            "subject": fill_text(template.subject, values),
            "body": fill_text(template.body, values),
        }
        for template in EmailTemplate.objects.filter(is_active=True)
    }


# The technician agenda (S1 1.8.2).

VIEWS = {"day", "week", "month"}


def _parse_date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@agent_required
def agenda(request):
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "day"
    day = _parse_date(request.GET.get("date")) or timezone.localdate()
    kind = request.GET.get("kind") if request.GET.get("kind") in ServiceOrder.Kind.values else ""
    team = _int(request.GET.get("team"))
    people = list(selectors.technicians(department_id=team))
    who = request.GET.get("who", "all")
    if who == "me":
        people = [person for person in people if person.id == request.user.id]
    elif _int(who):
        people = [person for person in people if person.id == _int(who)]
    first, after = selectors.agenda_range(view, day)
    orders = selectors.agenda_orders(
        first=first, after=after, technician_ids=[person.id for person in people], kind=kind
    )
    selectors.mark_visible(orders, request.user)
    ticket = _agenda_ticket(request)
    context = {
        "view": view, "day": day, "kind": kind, "team": team, "who": who, "people": people,
        "ticket": ticket, "kinds": ServiceOrder.Kind.choices,
        "teams": Department.objects.filter(is_active=True),
        "technicians": selectors.technicians(),
        "previous": _shift(view, day, -1), "next": _shift(view, day, 1),
        "today": timezone.localdate(),
        "then": "attendance" if request.GET.get("then") == "attendance" else "",
        "query": _agenda_query(view, who, team, kind, ticket, request.GET.get("then")),
        "day_query": _agenda_query("day", who, team, kind, ticket, request.GET.get("then")),
    }  # fmt: skip
    if view == "day":
        context["rows"] = selectors.day_grid(day, people, orders)
    elif view == "week":
        context["days"], context["rows"] = selectors.week_grid(first, orders, people)
    else:
        context["weeks"] = selectors.month_grid(first, orders)
    return render(request, "agent/agenda.html", context)


def _agenda_query(view, who, team, kind, ticket, then) -> str:
    values = {"view": view, "who": who, "team": team or "", "kind": kind}
    if ticket is not None:
        values["ticket"] = ticket.number
    if then == "attendance":
        values["then"] = then
    return urlencode(values)


def _agenda_ticket(request):
    number = _int(request.GET.get("ticket"))
    return _ticket_or_none(request.user, number) if number else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shift(view, day, direction):
    if view == "month":
        moved = day.replace(day=1) + timedelta(days=32 * direction if direction > 0 else -1)
        return moved.replace(day=1)
    return day + timedelta(days=(7 if view == "week" else 1) * direction)
