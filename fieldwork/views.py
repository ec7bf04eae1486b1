"""Field work on a ticket in the agent panel (S1 1.7 to 1.9): service orders, tasks, mail
from templates, and the technician agenda."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from accounts.models import Department
from tickets import permissions
from tickets.canned import fill_text, placeholders
from tickets.models import EmailTemplate, ServiceOrder, TicketTask
from tickets.permissions import get_ticket_for
from tickets.services import NotAllowed

from . import selectors, services
from .forms import ServiceOrderForm, TaskForm, TicketEmailForm


def _follow_up_ticket(request, number):
    ticket = get_ticket_for(request.user, number)
    if not permissions.may_follow_up(request.user, ticket):
        raise PermissionDenied
    return ticket


def _then(request) -> str:
    """Where to go once done (an attendance's protocol, say): a path of this site, or nothing."""
    then = request.POST.get("then") or request.GET.get("then") or ""
    safe = url_has_allowed_host_and_scheme(then, allowed_hosts={request.get_host()})
    return then if safe and then.startswith("/") else ""


def _after(request, ticket):
    """Back where the step came from (`then`), else to the ticket."""
    return redirect(_then(request) or reverse("agent:ticket", args=[ticket.number]))


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
            order = services.schedule_service_order(
                ticket=ticket, actor=request.user, **form.schedule()
            )  # fmt: skip
        except services.Overlaps as clash:
            form.overlaps(clash.order)
        else:
            messages.success(request, _("Service order scheduled: %(when)s with %(who)s.") % {
                "when": date_format(timezone.localtime(order.starts_at), "SHORT_DATETIME_FORMAT"),
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
    form = ServiceOrderForm(request.POST or None, initial=initial, current_start=order.starts_at)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_service_order(
                order=order, actor=request.user, **form.schedule()
            )  # fmt: skip
        except services.Overlaps as clash:
            form.overlaps(clash.order)
        else:
            messages.success(request, _("The service order is saved."))
            return redirect("agent:ticket", ticket.number)
    return _order_page(request, ticket, form, title=_("Service order"), order=order)


def _order_page(request, ticket, form, **context):
    then = _then(request)
    query = urlencode({"ticket": ticket.number, "then": then} if ticket else {})
    agenda = reverse("agent:agenda") + (f"?{query}" if query else "")
    return render(request, "agent/service_order.html", {
        "ticket": ticket, "form": form, "agenda_url": agenda, "then": _then(request),
        **context,
    })  # fmt: skip


@agent_required
def task_new(request, number):
    ticket = _follow_up_ticket(request, number)
    form = TaskForm(request.POST or None, ticket=ticket, initial={"assignee": request.user.id})
    if request.method == "POST" and form.is_valid():
        services.add_task(ticket=ticket, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The task is created."))
        return _after(request, ticket)
    return render(request, "agent/form_page.html", {
        "ticket": ticket, "form": form, "title": _("New task"), "submit": _("Create the task"),
        "then": _then(request),
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
        services.complete_task(task=task, actor=request.user)
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
        services.send_ticket_email(
            ticket=ticket, actor=request.user, to=data["recipients"], cc=data["cc"],
            subject=data["subject"], body=data["body"], files=data["attachments"],
        )  # fmt: skip
        messages.success(request, _("The e-mail is on its way."))
        return _after(request, ticket)
    return render(request, "agent/ticket_email.html", {
        "ticket": ticket, "form": form, "then": _then(request),
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
        "then": _then(request),
        "query": _agenda_query(view, who, team, kind, ticket, _then(request)),
        "day_query": _agenda_query("day", who, team, kind, ticket, _then(request)),
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
    if then:
        values["then"] = then
    return urlencode(values)


def _agenda_ticket(request):
    number = _int(request.GET.get("ticket"))
    return _ticket_or_none(request.user, number) if number else None


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if abs(number) < 2**63 else None  # past a database integer: none


def _shift(view, day, direction):
    if view == "month":
        moved = day.replace(day=1) + timedelta(days=32 * direction if direction > 0 else -1)
        return moved.replace(day=1)
    return day + timedelta(days=(7 if view == "week" else 1) * direction)
