"""The agent panel (SPEC §4, S3): queues, the ticket page and what agents do there."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from accounts.services import create_customer
from core.paging import seek_page
from tickets import permissions, queues, services
from tickets.agent_forms import (
    AgentReplyForm,
    AssignForm,
    CustomerTicketForm,
    EditTicketForm,
    EscalateForm,
    FinalizeForm,
    InternalTicketForm,
    NoteForm,
    ProgressForm,
    QueueFilterForm,
    ResolveForm,
    TransferForm,
)
from tickets.canned import canned_replies_for
from tickets.models import Notification
from tickets.permissions import get_ticket_for
from tickets.services import AlreadyClaimed, HasOpenChildren, NotAllowed, Unanswered
from tickets.services.bell import mark_read
from tickets.workflow import Action, Status, TransitionNotAllowed


def _ticket(request, number, *, may=permissions.works_on, annotate=None):
    ticket = get_ticket_for(request.user, number, annotate=annotate)
    if may is not None and not may(request.user, ticket):
        raise PermissionDenied
    return ticket


def _back(ticket):
    return redirect("agent:ticket", number=ticket.number)


def _back_or_queue(request, ticket):
    # A ticket sent where the agent does not see it any more ends on the queues, not a 404.
    if permissions.visible_tickets(request.user).filter(id=ticket.id).exists():
        return _back(ticket)
    return redirect("agent:queues")


def _run(request, ticket, action, *, done, refused=None, after=None, **kwargs):
    """Call a service; the refusals a person can meet become messages, not errors; `refused`
    draws the page again when another agent holds the ticket, `after` answers a success."""
    try:
        action(ticket=ticket, actor=request.user, **kwargs)
    except AlreadyClaimed as taken:
        messages.error(request, _("%(agent)s has already claimed this ticket.") % {
            "agent": taken.agent.full_name
        })  # fmt: skip
        if refused is not None:
            return refused()
    except services.AnsweredMeanwhile as meanwhile:
        # The page again, with what the others wrote and the author's text as it was typed.
        request.answered_meanwhile = meanwhile.entries
        return refused()
    except Unanswered:
        messages.error(request, _("Nobody answered this ticket: confirm to finalize it."))
    except HasOpenChildren:
        messages.error(request, _("Its escalations are still open: finish them first."))
    except TransitionNotAllowed:
        messages.error(request, _("The ticket changed in the meantime; nothing was done."))
    except NotAllowed:
        raise PermissionDenied from None
    else:
        messages.success(request, done)
        if after is not None:
            return after()
    return _back(ticket)


@agent_required
def queue_list(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    counts = queues.queue_counts(request.user)
    name = filters.get("queue") if filters.get("queue") in counts else "new"
    tickets = queues.queue_tickets(request.user, name, filters)
    keys = queues.queue_sort_keys(filters.get("sort"))
    page = seek_page(tickets, keys, request.GET, per_page=settings.TICKETS_PER_PAGE)
    context = {
        "form": form,
        "page": page,
        "queue": name,
        "queue_title": queues.TITLES[name],
        "may_see_trash": permissions.may_see_trash(request.user),
        "queues": [(key, queues.TITLES[key], count) for key, count in counts.items()],
    }
    return render(request, "agent/queues.html", context)


@agent_required
def ticket_page(request, number, **forms):
    ticket = _ticket(request, number, may=None, annotate=queues.sidebar_flags())
    if ticket.merged_into_id:  # a merged number answers with the ticket it lives on in
        return redirect("agent:ticket", number=ticket.merged_into.number)
    user = request.user
    works = permissions.works_on(user, ticket)
    thread = list(queues.agent_thread(ticket, notes=works, reader=user))
    children = queues.children_with_latest_reply(ticket) if ticket.has_children else []
    total_minutes, minutes_by_agent = queues.time_totals(thread)
    others, others_count = queues.requester_card(ticket, user)
    context = {
        "ticket": ticket,
        "thread": thread,
        "children": children,
        "has_open_children": queues.has_open_children(children),
        "works": works,
        "holds": permissions.holds(user, ticket),
        "may_answer": permissions.may_answer(user, ticket),
        "may_take_over": permissions.may_take_over(user, ticket) and not ticket.is_closed,
        "may_claim": (
            permissions.may_claim(user, ticket)
            and ticket.assignee_id is None
            and ticket.can(Action.CLAIM)
        ),
        "may_assign": permissions.may_assign(user, ticket),
        "may_transfer": permissions.may_transfer(user, ticket),
        "may_edit": permissions.may_edit(user, ticket),
        "may_delete": permissions.may_delete(user, ticket),
        "as_requester": permissions.acts_for_requester(user, ticket),
        "total_minutes": total_minutes,
        "minutes_by_agent": minutes_by_agent,
        "other_tickets": others,
        "other_tickets_count": others_count,
        "may_follow_up": works or permissions.may_follow_up(user, ticket),
        "service_orders": (
            list(ticket.service_orders.select_related("technician"))
            if ticket.has_service_orders
            else []
        ),
        "tasks": list(ticket.tasks.select_related("assignee")) if ticket.has_tasks else [],
        "reply_form": forms.get("reply_form") or AgentReplyForm(prefix="reply"),
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
        "assign_form": AssignForm(ticket=ticket),
        "progress_form": ProgressForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(prefix="resolve"),
    }
    return render(request, "agent/ticket.html", context)


@agent_required
def canned_for_ticket(request, number):
    """The canned replies the agent may use, filled for this ticket, as the <option>s htmx adds
    to the reply form's list when it is first opened, so the ticket page does not pay for them."""
    ticket = _ticket(request, number)
    replies = [
        {"id": reply_id, "title": title, "html": html}
        for reply_id, title, html in canned_replies_for(ticket, request.user)
    ]
    return render(request, "agent/_canned_options.html", {"replies": replies})


@agent_required
@require_POST
def claim(request, number):
    ticket = _ticket(request, number, may=permissions.may_claim)
    follow = request.POST.get("follow") == "on"
    return _run(
        request, ticket, services.claim_ticket, done=_("The ticket is yours."), follow=follow
    )


@agent_required
@require_POST
def revoke_links(request, number):
    ticket = _ticket(request, number)
    done = _("Every link to this ticket sent by e-mail has stopped working.")
    return _run(request, ticket, services.revoke_guest_links, done=done)


def take_over(request, number):
    ticket = _ticket(request, number, may=permissions.may_take_over)
    done = _("The ticket is yours now; %(agent)s is told.") % {"agent": ticket.assignee.full_name}
    return _run(request, ticket, services.take_over_ticket, done=done)


@agent_required
@require_POST
def assign(request, number):
    ticket = _ticket(request, number, may=permissions.may_assign)
    form = AssignForm(request.POST, ticket=ticket)
    if not form.is_valid():
        messages.error(request, _("Choose an agent of the ticket's department."))
        return _back(ticket)
    done = _("Assigned to %(agent)s.") % {"agent": form.cleaned_data["agent"].full_name}
    return _run(
        request, ticket, services.assign_ticket, done=done, agent=form.cleaned_data["agent"]
    )


@agent_required
@require_POST
def reply(request, number):
    ticket = _ticket(request, number, may=_may_try_to_reply)
    form = AgentReplyForm(request.POST, request.FILES, prefix="reply")
    if not form.is_valid():
        return ticket_page(request, number, reply_form=form)
    data = form.cleaned_data
    done = _("Your reply is sent.")
    if ticket.assignee_id is None and permissions.may_claim(request.user, ticket):
        done = _("Your reply is sent and the ticket is yours: you claimed it by replying.")
    resolving = data["then"] == Action.RESOLVE

    def after():
        answer = _back(ticket)
        if resolving:  # "Send and resolve": the reply resolved it, its mail the resolving one
            ticket.refresh_from_db(fields=["status"])
            if ticket.status == Status.RESOLVED:
                messages.success(request, _("Resolved."))
            else:  # it could not be (escalations open, say): the service says why
                answer = _run(request, ticket, services.resolve_ticket, done=_("Resolved."))
        if not data["next"]:
            return answer
        following = _next_in_queue(request.user, data["queue"], after=ticket)
        return redirect("agent:ticket", following.number) if following else _to_queue(data)

    return _run(
        request, ticket, services.reply_to_ticket, done=done, body_html=data["body"],
        files=data["attachments"], links=data["links"], work=form.work(), after=after,
        then=Action.REPLY_AND_KEEP if resolving else data["then"], resolving=resolving,
        taking_over=data["taking_over"], seen_entry_id=form.seen_entry_id(),
        refused=lambda: ticket_page(request, number, reply_form=form),
    )  # fmt: skip


def _next_in_queue(user, query, *, after):
    form = QueueFilterForm(QueryDict(query.lstrip("?")))
    filters = form.cleaned_data if form.is_valid() else {}
    tickets = queues.queue_tickets(user, filters.get("queue") or "new", filters)
    keys = queues.queue_sort_keys(filters.get("sort"))
    page = seek_page(tickets.exclude(id=after.id), keys, {}, per_page=1)
    return page.object_list[0] if page.object_list else None


def _to_queue(data):
    return redirect(reverse("agent:queues") + "?" + data["queue"].lstrip("?"))


def _may_try_to_reply(user, ticket) -> bool:
    # Claimed by another since the page was drawn: the refusal is a message, not a 403.
    return permissions.may_reply(user, ticket) or permissions.may_take_over(user, ticket)


@agent_required
@require_POST
def note(request, number):
    ticket = _ticket(request, number)
    form = NoteForm(request.POST, request.FILES, prefix="note")
    if not form.is_valid():
        return ticket_page(request, number, note_form=form)
    data = form.cleaned_data
    return _run(
        request, ticket, services.add_note, done=_("Your note is saved."),
        body_html=data["body"], files=data["attachments"], links=data["links"],
        work=form.work(), seen_entry_id=form.seen_entry_id(),
        refused=lambda: ticket_page(request, number, note_form=form),
    )  # fmt: skip


@agent_required
@require_POST
def progress(request, number):
    ticket = _ticket(request, number)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a progress label."))
        return _back(ticket)
    return _run(
        request, ticket, services.set_progress, done=_("The progress is updated."),
        label=form.cleaned_data["label"], body_html=form.cleaned_data["body"],
    )  # fmt: skip


@agent_required
@require_POST
def resolve(request, number):
    ticket = _ticket(request, number)
    form = ResolveForm(request.POST, prefix="resolve")
    if not form.is_valid():
        return ticket_page(request, number, resolve_form=form)
    return _run(
        request, ticket, services.resolve_ticket,
        done=_("Resolved. The customer is asked to rate it."),
        body_html=form.cleaned_data["body"], work=form.work(),
    )  # fmt: skip


@agent_required
@require_POST
def reopen(request, number):
    ticket = _ticket(request, number)
    return _run(request, ticket, services.reopen_ticket, done=_("The ticket is reopened."))


@agent_required
@require_POST
def trash(request, number):
    ticket = _ticket(request, number, may=permissions.may_delete)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm to move the ticket to the trash."))
        return _back(ticket)
    services.trash_ticket(ticket=ticket, actor=request.user)
    messages.success(
        request,
        _("Ticket %(number)s is in the trash for %(days)d days.")
        % {"number": ticket.reference, "days": settings.TRASH_DAYS},
    )
    return redirect("agent:queues")


def _form_page(request, ticket, form, *, title, submit, template="agent/form_page.html"):
    return render(
        request, template, {"ticket": ticket, "form": form, "title": title, "submit": submit}
    )


@agent_required
def finalize(request, number):
    ticket = _ticket(request, number, may=permissions.holds)
    form = FinalizeForm(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        return _run(
            request, ticket, services.finalize_ticket, done=_("The ticket is finalized."),
            reason=form.cleaned_data["reason"], work=form.work(),
            unanswered=form.cleaned_data.get("unanswered", False),
        )  # fmt: skip
    return _form_page(request, ticket, form, title=_("Finalize"), submit=_("Finalize"))


@agent_required
def edit(request, number):
    ticket = _ticket(request, number, may=permissions.may_edit)
    may_transfer = permissions.may_transfer(request.user, ticket)
    form = EditTicketForm(request.POST or None, ticket=ticket, may_transfer=may_transfer)
    if request.method == "POST" and form.is_valid():
        _run(request, ticket, services.edit_ticket, done=_("Saved."), **form.cleaned_data)
        return _back_or_queue(request, ticket)
    return _form_page(
        request, ticket, form, title=_("Edit the ticket"), submit=_("Save"),
        template="agent/edit.html",
    )  # fmt: skip


@agent_required
def transfer(request, number):
    ticket = _ticket(request, number, may=permissions.may_transfer)
    form = TransferForm(request.POST or None, initial={"department": ticket.department_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _("Ticket %(number)s is transferred to %(department)s.") % {
            "number": ticket.reference, "department": data["department"],
        }  # fmt: skip
        _run(
            request, ticket, services.transfer_ticket, done=done,
            department=data["department"], agent=data["agent"],
        )  # fmt: skip
        return _back_or_queue(request, ticket)
    return _form_page(request, ticket, form, title=_("Transfer"), submit=_("Transfer"))


@agent_required
def escalate(request, number):
    ticket = _ticket(request, number)
    form = EscalateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = services.escalate_ticket(
            ticket=ticket, actor=request.user, department=data["department"],
            title=data["title"], body_html=data["body"], priority=data["priority"],
            files=data["attachments"], links=data["links"],
        )  # fmt: skip
        messages.success(request, _("Escalated as %(number)s.") % {"number": child.reference})
        return _back(ticket)
    return _form_page(
        request, ticket, form, title=_("Escalate to another department"), submit=_("Escalate"),
        template="agent/escalate.html",
    )  # fmt: skip


@agent_required
def new_customer_ticket(request):
    form = CustomerTicketForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        ticket = _open_for_customer(request.user, form.cleaned_data)
        messages.success(request, _("Ticket %(number)s is open.") % {"number": ticket.reference})
        return _back(ticket)
    return render(request, "agent/new_ticket.html", {"form": form, "internal": False})


def _open_for_customer(actor, data):
    customer = data["customer"] or create_customer(
        actor=actor, full_name=data["customer_name"], email=data["customer_email"],
        organization=data["customer_organization"],
    )  # fmt: skip
    return services.open_ticket_for_customer(
        actor=actor, customer=customer, department=data["department"],
        category=data["category"], title=data["title"], body_html=data["body"],
        priority=data["priority"], assignee=data.get("assignee"), files=data["attachments"],
        links=data["links"], notify_customer=data["notify_customer"], follow=data["follow"],
    )  # fmt: skip


@agent_required
def new_internal_ticket(request):
    form = InternalTicketForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = services.open_internal_ticket(
            actor=request.user, department=data["department"],
            represent_department=data.get("represent_department"), category=data["category"],
            title=data["title"], body_html=data["body"], priority=data["priority"],
            assignee=data.get("assignee"), files=data["attachments"], links=data["links"],
        )  # fmt: skip
        messages.success(request, _("Ticket %(number)s is open.") % {"number": ticket.reference})
        return _back(ticket)
    return render(request, "agent/new_ticket.html", {"form": form, "internal": True})


@agent_required
def trash_list(request):
    if not permissions.may_see_trash(request.user):
        raise Http404
    tickets = (
        permissions.trashed_tickets(request.user)
        .select_related("trashed_by", "department", "requester")
        .order_by("-trashed_at")
    )
    page = Paginator(tickets, settings.TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "agent/trash.html", {"page": page, "days": settings.TRASH_DAYS})


@agent_required
@require_POST
def restore(request, number):
    ticket = get_object_or_404(permissions.trashed_tickets(request.user), number=number)
    services.restore_ticket(ticket=ticket, actor=request.user)
    messages.success(request, _("Ticket %(number)s is back.") % {"number": ticket.reference})
    return _back(ticket)


@agent_required
def notifications(request):
    items = (
        Notification.objects.filter(recipient=request.user, ticket__trashed_at__isnull=True)
        .select_related("ticket")
        .order_by("-created_at")
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "agent/notifications.html", {"page": page})


@agent_required
def open_notification(request, notification_id):
    item = get_object_or_404(Notification, id=notification_id, recipient=request.user)
    mark_read(item)
    return redirect("agent:ticket", number=item.ticket.number)


@agent_required
def time_report(request):
    """Minutes worked per agent over the last days, on the tickets the viewer may see."""
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    since = timezone.now() - timedelta(days=days)
    rows = queues.minutes_per_agent(request.user, since=since)
    for row in rows:
        row["hours"] = row["total"] / 60  # 45 minutes are 0.75 h, not "1"
    return render(request, "agent/time_report.html", {"rows": rows, "days": days})
