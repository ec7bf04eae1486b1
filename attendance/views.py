"""The guided attendance in the agent panel (manual S1): origin, earlier contacts, client, plan
and problem, script, first contact, protocol. What follows on the ticket (service orders,
tasks, templated e-mail) is the ticket's field work, reached by URL."""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import agent_required
from accounts.models import User, normalize_email
from accounts.services import create_customer
from core.paging import seek_page
from tickets import permissions as ticket_permissions
from tickets.services import NotAllowed

from . import selectors
from . import services as steps
from .forms import (
    AnswerForm,
    ClientSearchForm,
    ContactSearchForm,
    DetailsForm,
    FirstContactForm,
    NewContactForm,
    OriginForm,
    ScriptChoiceForm,
    ServiceOrderFilterForm,
)
from .permissions import attendances_for, get_attendance_for
from .services import AttendanceFinished, Outcome


def attendance_step(view):
    """An agent's attendance step: refusals by the services become 403, and a step taken on
    an attendance that finished meanwhile (a second tab, a double click) shows its protocol."""

    @agent_required
    @wraps(view)
    def wrapper(request, attendance_id, *args, **kwargs):
        try:
            return view(request, attendance_id, *args, **kwargs)
        except AttendanceFinished:
            return redirect("attendance:done", attendance_id)
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
    context.update(attendance=attendance, step=step, steps=step_links(attendance, step))
    if attendance is not None and attendance.script_ended_at is not None:
        # "Rel. Script" (S1 1.6.3): the answers marked, beside every step after the script.
        context["script_report"] = steps.script_report(attendance)
    return render(request, f"agent/attendance/{template}.html", context)


def step_links(attendance, current: str) -> list[tuple[str, str, str]]:
    """(key, label, url) of each step; url "" for the current one and for those not reached
    yet. Before the protocol every step reached may be reopened."""
    reached = set()
    if attendance is not None and attendance.first_contact_at is None:
        reached |= {"origin", "contacts", "client"}
        if attendance.client_id:
            reached.add("details")
        if attendance.ticket_id:
            reached |= {"script", "first_contact"}
    return [
        (key, str(label), reverse(f"attendance:{key}", args=[attendance.id])
          if key in reached and key != current else "")
        for key, label in STEPS
    ]  # fmt: skip


def _step(request, attendance_id, *, needs=None):
    """The agent's own attendance, open (one with its first contact shows its protocol)."""
    attendance = get_attendance_for(request.user, attendance_id)
    if attendance.finished_at is not None or attendance.first_contact_at is not None:
        return attendance, redirect("attendance:done", attendance.id)
    if needs == "client" and attendance.client_id is None:
        return attendance, redirect("attendance:client", attendance.id)
    if needs == "ticket" and attendance.ticket_id is None:
        return attendance, redirect("attendance:details", attendance.id)
    return attendance, None


@agent_required
def new(request):
    form = OriginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attendance = steps.start_attendance(actor=request.user, origin=form.cleaned_data["origin"])
        return redirect("attendance:contacts", attendance.id)
    unfinished = (
        attendances_for(request.user)
        .filter(agent=request.user, finished_at__isnull=True)
        .select_related("client")[:10]
    )
    return _page(request, "origin", None, "origin", form=form, unfinished=unfinished)


@attendance_step
def origin(request, attendance_id):
    """The first step reopened: the origin of the contact changed."""
    attendance, elsewhere = _step(request, attendance_id)
    if elsewhere:
        return elsewhere
    form = OriginForm(request.POST or None, initial={"origin": attendance.origin})
    if request.method == "POST" and form.is_valid():
        steps.change_origin(
            attendance=attendance, actor=request.user, origin=form.cleaned_data["origin"]
        )
        return redirect("attendance:contacts", attendance.id)
    return _page(request, "origin", attendance, "origin", form=form)


@attendance_step
def contacts(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id)
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        return _contacts_next(request, attendance)
    bound = "email" in request.GET
    form = ContactSearchForm(request.GET if bound else None, initial={
        "email": attendance.contact_email, "limit": 20,
    })  # fmt: skip
    found = None
    if bound and form.is_valid():
        data = form.cleaned_data
        found = selectors.earlier_contacts(
            request.user, email=data["email"], days=data["days"], start=data["start"],
            end=data["end"], limit=data["limit"], excluding=attendance.ticket_id,
            kind=data["kind"],
        )  # fmt: skip
    return _page(request, "contacts", attendance, "contacts", form=form, found=found)


def _contacts_next(request, attendance):
    """ "Avançar": an address typed but not searched yet is searched first (S1 1.1.4: its
    records are shown); the next "Avançar" goes on to the client."""
    typed = request.POST.get("email", "")
    email = normalize_email(typed)
    search = reverse("attendance:contacts", args=[attendance.id])
    fields = ("email", "kind", "days", "start", "end", "limit")
    query = urlencode({name: request.POST.get(name, "") for name in fields})
    if email and not _looks_like_address(email):
        # Not an address: back to the search form, which says so beside what was typed.
        return redirect(f"{search}?{query}")
    searched = normalize_email(request.POST.get("searched", "")) == email
    searched = searched and request.POST.get("action") != "search"
    client = User.objects.filter(email=email, role=User.Role.CUSTOMER, is_active=True).first()
    before = attendance.client
    attendance = steps.set_contact_email(
        attendance=attendance, actor=request.user, email=email, client=client
    )
    _say_what_became_of_the_client(request, attendance, before, found=client)
    if email and not searched:
        return redirect(f"{search}?{query}")
    if not email:
        messages.info(
            request,
            _("No e-mail address was searched: find the client by name, phone or organization."),
        )
    return redirect("attendance:client", attendance.id)


def _say_what_became_of_the_client(request, attendance, before, *, found) -> None:
    """The client is never changed or dropped without a word (S1 1.3)."""
    chosen = attendance.client
    if found is not None and chosen is not None and chosen.id != found.id:
        names = {"email": found.email, "found": found.full_name, "chosen": chosen.full_name}
        messages.warning(request, _(
            "%(email)s is the address of %(found)s. The client chosen, %(chosen)s, stays: to "
            "serve %(found)s instead, choose them in “Client”."
        ) % names)  # fmt: skip
    elif before is not None and chosen is None:
        messages.info(request, _(
            "The address changed: %(name)s is no longer the client. Choose the client again."
        ) % {"name": before.full_name})  # fmt: skip


def _looks_like_address(value: str) -> bool:
    try:
        forms.EmailField().clean(value)
    except ValidationError:
        return False
    return True


@agent_required
def addresses(request):
    """Suggestions for the contacts step's address field, as the agent types: the <option>s
    htmx puts in its <datalist>."""
    # No address holds a NUL (PostgreSQL refuses it in a query).
    typed = request.GET.get("email", "").replace("\x00", "")
    found = selectors.addresses_starting(request.user, typed)
    return render(request, "agent/attendance/_address_options.html", {"addresses": found})


@attendance_step
def client(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id)
    if elsewhere:
        return elsewhere
    # "Novo Contato" starts from the address searched in step 2 when nobody has it yet.
    unknown = (
        attendance.contact_email
        and not User.objects.filter(email=normalize_email(attendance.contact_email)).exists()
    )
    add_form = NewContactForm(
        request.POST if request.POST.get("action") == "add" else None,
        initial={"email": attendance.contact_email} if unknown else None,
    )
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
            return redirect("attendance:details", attendance.id)
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
    initial = {"plan": attendance.plan_id, "problem": attendance.problem}
    if attendance.ticket is not None:
        initial["title"] = attendance.ticket.title
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        steps.record_attendance_details(
            attendance=attendance, actor=request.user, plan=data["plan"],
            problem=data["problem"], title=data["title"],
        )  # fmt: skip
        return redirect("attendance:script", attendance.id)
    return _page(request, "details", attendance, "details", form=form)


@attendance_step
def script(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id, needs="ticket")
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        return _script_action(request, attendance)
    if attendance.script_ended_at is not None:  # reopened from the list of steps
        return _page(request, "script", attendance, "script", ended=True,
                     report=steps.script_report(attendance))  # fmt: skip
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
    again = redirect("attendance:script", attendance.id)
    if action == "reopen":
        steps.reopen_script(attendance=attendance, actor=request.user)
        if attendance.script_id is None:  # none was chosen: choose one now
            return again
    elif attendance.script_ended_at is not None:
        return redirect("attendance:first_contact", attendance.id)
    elif action == "choose":
        form = ScriptChoiceForm(request.POST)
        if not form.is_valid():
            return _page(request, "script", attendance, "script", choose_form=form)
        steps.choose_script(
            attendance=attendance, actor=request.user, script=form.cleaned_data["script"]
        )
    elif action == "answer":
        question, _chosen = steps.script_step(attendance)
        answer = AnswerForm(request.POST, question=question) if question else None
        if answer is None or not answer.is_valid():
            messages.error(request, _("Mark the client's answer."))
            return again
        steps.answer_question(
            attendance=attendance, actor=request.user, option=answer.cleaned_data["option"]
        )
    elif action in ("previous", "go_to"):
        position = attendance.script_position - 1
        if action == "go_to":
            position = int(request.POST.get("position", -1))
        steps.go_to_answer(attendance=attendance, actor=request.user, position=position)
    else:  # "end" or "skip"
        steps.end_script(attendance=attendance, actor=request.user)
        return redirect("attendance:first_contact", attendance.id)
    return again


@attendance_step
def first_contact(request, attendance_id):
    attendance, elsewhere = _step(request, attendance_id, needs="ticket")
    if elsewhere:
        return elsewhere
    ticket = attendance.ticket
    form = FirstContactForm(
        request.POST or None, request.FILES or None,
        may_resolve=ticket_permissions.holds(request.user, ticket),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        steps.record_first_contact(
            attendance=attendance, actor=request.user, attendance_type=data["attendance_type"],
            description=data["description"], files=data["attachments"], outcome=data["outcome"],
        )  # fmt: skip
        follow_up = FOLLOW_UPS.get(data["outcome"])
        if follow_up:
            back = urlencode({"then": reverse("attendance:done", args=[attendance.id])})
            return redirect(f"{reverse(follow_up, args=[ticket.number])}?{back}")
        return redirect("attendance:done", attendance.id)
    return _page(request, "first_contact", attendance, "first_contact", form=form)


FOLLOW_UPS = {
    Outcome.SERVICE_ORDER: "agent:service_order_new",
    Outcome.TASK: "agent:task_new",
    Outcome.EMAIL: "agent:ticket_email",
}


@agent_required
def done(request, attendance_id):
    attendance = get_attendance_for(request.user, attendance_id)
    if attendance.first_contact_at is None:
        return redirect("attendance:first_contact", attendance.id)
    steps.show_protocol(attendance=attendance, actor=request.user)
    return _page(request, "done", attendance, "done", ticket=attendance.ticket)


@agent_required
def service_orders(request):
    """A technician's own service orders (S1 1.8), a list besides the agenda; 404 to others."""
    if not request.user.is_technician:
        raise Http404
    form = ServiceOrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.service_orders_of(request.user, **filters)
    page = seek_page(orders, selectors.ORDER_KEYS, request.GET, per_page=settings.TICKETS_PER_PAGE)
    return render(request, "agent/attendance/service_orders.html", {"form": form, "page": page})
