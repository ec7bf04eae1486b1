"""The customer portal (SPEC §3): thin views over the gate, the forms and the services."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import ratelimit
from core.paging import seek_page
from tickets import guest_access, selectors, services
from tickets.forms import (
    GuestTicketForm,
    NotSolvedForm,
    PriorityForm,
    RatingForm,
    ReplyForm,
    StatusCheckForm,
    TicketFilterForm,
    TicketForm,
)
from tickets.models import Attachment
from tickets.permissions import acts_for_requester, decides_for_requester, get_ticket_for, works_on
from tickets.services.closing import AlreadyRated
from tickets.workflow import TransitionNotAllowed


def _granted(request) -> guest_access.Granted:
    if not hasattr(request, "guest_granted"):  # one query a request, for guests only
        request.guest_granted = guest_access.granted(request.session)
    return request.guest_granted


def _guest_ids(request):
    # The tickets a guest's links let them act on as the requester.
    return _granted(request).own


def login_or_guest_link_required(view):
    """Visitors with no guest link are asked to log in; the same for every number."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and not _guest_ids(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _ticket(request, number, *, write=False):
    granted = _granted(request)
    return get_ticket_for(request.user, number, write=write, guest_ticket_ids=granted.own,
                          guest_followed_ids=granted.followed)  # fmt: skip


def _deciding(request, number):
    # A master user comments on a colleague's ticket; its priority, closing and rating are
    # its creator's (S2 §4.11).
    ticket = _ticket(request, number, write=True)
    if not decides_for_requester(request.user, ticket, guest_ticket_ids=_guest_ids(request)):
        raise PermissionDenied
    return ticket


def _actor(request, ticket):
    # Whoever holds a guest link acts as the requester it was sent to.
    if request.user.is_authenticated and acts_for_requester(request.user, ticket):
        return request.user
    return ticket.requester


@login_required
def ticket_list(request):
    form = TicketFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    # A ticket number typed in the search opens that ticket if the person may see it; any
    # other number is searched as words are, so a ticket one may not see stays unknown.
    number = selectors.seen_number(request.user, filters.get("q") or "")
    if number is not None:
        return redirect("tickets:detail", number=number)
    tickets = selectors.portal_ticket_list(request.user, filters=filters)
    keys = selectors.portal_sort_keys(filters.get("sort"), TicketFilterForm.SORTS)
    page = seek_page(tickets, keys, request.GET, per_page=settings.TICKETS_PER_PAGE)
    scope = filters.get("scope") or "mine"
    return render(
        request, "tickets/list.html", {"form": form, "page": page, "scope": scope, **filters}
    )


def ticket_new(request):
    guest = not request.user.is_authenticated
    form_class = GuestTicketForm if guest else TicketForm
    # A chat with nobody online sends the visitor here with what they already typed.
    prefill = {
        key: request.GET[key] for key in ("department", "name", "email") if key in request.GET
    }
    initial = {"department": prefill.get("department"), "full_name": prefill.get("name"),
               "email": prefill.get("email")}  # fmt: skip
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if guest and _too_many(
            request, "guest-ticket", settings.GUEST_TICKETS_PER_ADDRESS_PER_HOUR
        ):
            form.add_error(None, _("Too many tickets from your network. Try again in an hour."))
        else:
            ticket = _open(request, form.cleaned_data, guest=guest)
            if guest:  # known address or new, the same page: the receipt's link opens it
                request.session["guest_ticket_email"] = form.cleaned_data["email"]
                return redirect("tickets:guest_sent")
            messages.success(
                request,
                _("Ticket %(number)s is open. We sent a receipt to %(email)s.")
                % {"number": ticket.reference, "email": ticket.requester.email},
            )
            return redirect("tickets:detail", number=ticket.number)
    return render(request, "tickets/new.html", {"form": form, "guest": guest})


def _open(request, data, *, guest):
    fields = {
        "department": data["department"],
        "title": data["title"],
        "body_html": data["body"],
        "category": data["category"],
        "product": data["product"],
        "priority": data["priority"],
        "severity": data["severity"],
        "files": data["attachments"],
        "links": data["links"],
    }
    if not guest:
        return services.open_ticket(actor=request.user, requester=request.user, **fields)
    return services.open_guest_ticket(
        full_name=data["full_name"],
        email=data["email"],
        phone=data["phone"],
        language=get_language(),
        **fields,
    )[0]


def guest_sent(request):
    return render(
        request, "tickets/guest_sent.html", {"email": request.session.get("guest_ticket_email", "")}
    )


def _too_many(request, scope, limit):
    return ratelimit.hit(scope, ratelimit.client_ip(request), window=3600) > limit


@login_or_guest_link_required
def ticket_detail(request, number, **forms):
    ticket = _ticket(request, number)
    if ticket.merged_into_id:  # a merged number answers with the ticket it lives on in
        return redirect("tickets:detail", number=ticket.merged_into.number)
    may_act = acts_for_requester(request.user, ticket, guest_ticket_ids=_guest_ids(request))
    context = {
        "ticket": ticket,
        "thread": selectors.public_thread(ticket),
        "visits": selectors.scheduled_visits(ticket),
        "may_act": may_act,
        "may_decide": decides_for_requester(
            request.user, ticket, guest_ticket_ids=_guest_ids(request)
        ),
        "rating": getattr(ticket, "rating", None),
        "reply_form": forms.get("reply_form") or ReplyForm(ticket=ticket),
        "priority_form": forms.get("priority_form")
        or PriorityForm(initial={"priority": ticket.priority_id}),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "not_solved_form": forms.get("not_solved_form") or NotSolvedForm(),
    }
    return render(request, "tickets/detail.html", context)


def _act(request, ticket, action, *, done: str, **kwargs):
    """Run a customer-side service, then go back to the ticket with a message.

    The workflow is checked again under the row lock, so a ticket that changed since the page
    was drawn (closed by someone else, already rated) is told, not crashed on.
    """
    try:
        action(ticket=ticket, actor=_actor(request, ticket), **kwargs)
    except (TransitionNotAllowed, AlreadyRated):
        messages.error(request, _("The ticket changed in the meantime; nothing was done."))
    else:
        messages.success(request, done)
    return redirect("tickets:detail", number=ticket.number)


@login_or_guest_link_required
@require_POST
def ticket_reply(request, number):
    ticket = _ticket(request, number, write=True)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if not form.is_valid():
        return ticket_detail(request, number, reply_form=form)
    data = form.cleaned_data
    return _act(
        request, ticket, services.reply_to_ticket, done=_("Your reply is saved."),
        body_html=data["body"], files=data["attachments"], links=data["links"],
        quoted=data["quoted"],
    )  # fmt: skip


@login_or_guest_link_required
@require_POST
def ticket_priority(request, number):
    ticket = _deciding(request, number)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, number, priority_form=form)
    return _act(
        request, ticket, services.change_priority, done=_("The priority is changed."),
        priority=form.cleaned_data["priority"],
    )  # fmt: skip


@login_or_guest_link_required
@require_POST
def ticket_close(request, number):
    ticket = _deciding(request, number)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm to close the ticket."))
        return redirect("tickets:detail", number=ticket.number)
    done = _("The ticket is closed. You can still read, rate and print it.")
    return _act(request, ticket, services.close_ticket, done=done)


@login_or_guest_link_required
@require_POST
def ticket_rate(request, number):
    ticket = _deciding(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, number, rating_form=form)
    return _act(
        request, ticket, services.rate_ticket, done=_("Thank you for your rating."),
        score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
    )  # fmt: skip


@login_or_guest_link_required
@require_POST
def ticket_not_solved(request, number):
    ticket = _ticket(request, number, write=True)
    form = NotSolvedForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, number, not_solved_form=form)
    done = _("The ticket is reopened. We will look at it again.")
    return _act(
        request, ticket, services.mark_not_solved, done=done, body_html=form.cleaned_data["body"]
    )


@login_or_guest_link_required
def attachment(request, number, attachment_id, *, thumbnail=False):
    ticket = _ticket(request, number)
    files = Attachment.objects.filter(entry__ticket=ticket)
    if not works_on(request.user, ticket):  # notes' files are for those working on it
        shown = Q(entry__is_public=True)
        if request.user.is_authenticated:  # and those of the notes one wrote oneself
            shown |= Q(entry__author_id=request.user.id)
        files = files.filter(shown)
    found = get_object_or_404(files, id=attachment_id)
    if thumbnail and not found.thumbnail:
        raise Http404
    stored = found.thumbnail if thumbnail else found.file
    inline = thumbnail or found.is_image or found.content_type == "application/pdf"
    response = FileResponse(
        stored.open("rb"),
        as_attachment=not inline,
        filename=found.name,
        content_type="image/png" if thumbnail else found.content_type,
    )
    # A file is never a page: no scripts, no plugins, even if a browser were fooled.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def status_check(request):
    form = StatusCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _too_many(request, "status-check", settings.STATUS_CHECKS_PER_ADDRESS_PER_HOUR):
            services.request_status_link(
                email=form.cleaned_data["email"], number=form.cleaned_data["number"]
            )
        return render(request, "tickets/status_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "tickets/status.html", {"form": form})


def guest_link(request, token):
    link = guest_access.follow(token)
    if link is None:
        return render(request, "tickets/link_invalid.html", status=400)
    guest_access.grant(request.session, link)
    return redirect("tickets:detail", number=link.ticket.number)


@login_or_guest_link_required
@require_POST
def revoke_links(request, number):
    # The links are the creator's: a master user reading a colleague's ticket may not end
    # what was mailed to them.
    ticket = _deciding(request, number)
    services.revoke_guest_links(ticket=ticket, actor=_actor(request, ticket))
    messages.success(request, _("Every link to this ticket sent by e-mail has stopped working."))
    if request.user.is_authenticated:
        return redirect("tickets:detail", number=ticket.number)
    return redirect("tickets:status")  # the guest's own link was one of them
