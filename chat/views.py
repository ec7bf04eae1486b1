"""The visitor's chat (/chat/) and the agents' console (/agent/chats/)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from core.ratelimit import client_ip
from printing.responses import (
    pdf_file_response,
    pdf_status_partial,
    pdf_wait_page,
    print_response,
)

from . import services
from .forms import (
    ChatHistoryForm,
    MatchAccountForm,
    RateChatForm,
    StartChatForm,
    TransferChatForm,
)
from .models import AgentPresence, ChatPdf, ChatSession
from .permissions import get_chat_for
from .printing import printable_chat, request_chat_pdf
from .selectors import chat_for_token, chat_history, console_chats, earlier_contacts, visitor_token


def start(request):
    user = request.user
    initial = {"name": user.full_name} if user.is_authenticated else {}
    form = StartChatForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = user.email if user.is_authenticated else data["email"]
        if not services.agents_online(data["department"].id):
            query = urlencode({"department": data["department"].id, "name": data["name"],
                               "email": email})  # fmt: skip
            ticket_url = f"{reverse('tickets:new')}?{query}"
            return render(request, "chat/offline.html", {"ticket_url": ticket_url})
        try:
            session = services.start_chat(
                name=data["name"], email=email, department=data["department"],
                visitor=user, ip=client_ip(request), language=get_language(),
            )  # fmt: skip
        except services.TooManyChats:
            form.add_error(None, _("Too many chats from your network. Try again later."))
        else:
            return redirect("chat:room", token=visitor_token(session))
    return render(request, "chat/start.html", {"form": form})


def _session(token) -> ChatSession:
    session = chat_for_token(token)
    if session is None:
        raise Http404
    return session


def room(request, token):
    session = _session(token)
    if session.status == ChatSession.Status.ENDED:
        return redirect("chat:rate", token=token)
    return render(request, "chat/room.html", {"session": session, "token": token})


def state(request, token):
    """The visitor's place in line, swapped into the room by htmx: asked again every 5 s while
    the chat waits, and when the socket says it waits again (a transfer)."""
    session = _session(token)
    waiting = session.status == ChatSession.Status.WAITING
    position = services.queue_position(session) if waiting else 0
    context = {"token": token, "waiting": waiting, "position": position}
    return render(request, "chat/_position.html", context)


@require_POST
def leave(request, token):
    services.end_chat(session=_session(token))
    return redirect("chat:rate", token=token)


def rate(request, token):
    session = _session(token)
    if session.rating is not None:
        return render(request, "chat/thanks.html", {"session": session, "token": token})
    form = RateChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_chat(session=session)
        services.rate_chat(
            session=session, score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
        if form.cleaned_data["send_transcript"]:
            services.email_transcript(session=session)
        session.refresh_from_db()
        return render(request, "chat/thanks.html", {"session": session, "token": token})
    return render(request, "chat/rate.html", {"session": session, "form": form, "token": token})


@require_POST
def email_transcript(request, token):
    session = _session(token)
    if services.email_transcript(session=session):
        message = _("The conversation is on its way to %(email)s.")
    else:
        message = _("We mailed a link to %(email)s: follow it to confirm the address, and the "
                    "conversation is sent there.")  # fmt: skip
    messages.success(request, message % {"email": session.visitor_email})
    return redirect("chat:rate", token=token)


def confirm_address(request, code):
    """The link mailed to a typed address; a button, so a mail scanner's visit confirms nothing."""
    session = services.chat_for_confirmation(code)
    if session is None:
        return _refused(request, _("This link is not valid, or it has expired."), status=404)
    if request.method == "POST":
        session = services.confirm_visitor_email(session=session)
    context = {"session": session, "confirmed": request.method == "POST"}
    return render(request, "chat/confirm_address.html", context)


def _refused(request, message: str, *, status: int):
    return render(request, "chat/refused.html", {"message": message}, status=status)


@agent_required
def console(request):
    presence = AgentPresence.objects.filter(user=request.user).first()
    context = {
        "online": presence is not None and presence.status == AgentPresence.Status.ONLINE,
        **console_chats(request.user),
    }
    return render(request, "chat/console.html", context)


@agent_required
def waiting_list(request):
    """The console's list of chats, drawn again when the socket says something changed."""
    return render(request, "chat/_console_lists.html", console_chats(request.user))


@agent_required
@require_POST
def presence(request):
    status = "online" if request.POST.get("status") == "online" else "away"
    services.set_presence(agent=request.user, status=status)
    return redirect("chat:console")


def _agent_session(request, chat_id) -> ChatSession:
    return get_chat_for(request.user, chat_id)


@agent_required
def chat_detail(request, chat_id):
    session = _agent_session(request, chat_id)
    form = TransferChatForm(initial={"department": session.department_id})
    context = {"session": session, "form": form, **earlier_contacts(session, request.user)}
    return render(request, "chat/detail.html", context)


@agent_required
@require_POST
def transfer(request, chat_id):
    session = _agent_session(request, chat_id)
    form = TransferChatForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_chat(
                session=session, agent=request.user, to_agent=form.cleaned_data["agent"],
                to_department=form.cleaned_data["department"],
            )  # fmt: skip
            messages.success(request, _("The chat is transferred."))
        except services.ChatNotAllowed:
            messages.error(request, _("That agent does not work in that department."))
    return redirect("chat:console")


@agent_required
@require_POST
def end(request, chat_id):
    try:
        services.end_chat(session=_agent_session(request, chat_id), agent=request.user)
    except services.ChatNotAllowed:
        return _refused(request, NOT_HELD, status=403)
    return redirect("chat:console")


NOT_HELD = gettext_lazy("Only the agent who holds this chat, or an administrator, may do that.")


@agent_required
@require_POST
def to_ticket(request, chat_id):
    session = _agent_session(request, chat_id)
    form = MatchAccountForm(request.POST if "matching" in request.POST else None)
    try:
        ticket = services.chat_to_ticket(
            session=session, agent=request.user, match_account=form.is_valid()
        )
    except services.ChatNotAllowed:
        return _refused(request, NOT_HELD, status=403)
    except services.AccountNeedsMatch as needs:
        context = {"session": session, "account": needs.account, "form": form}
        return render(request, "chat/match_account.html", context, status=409)
    messages.success(request, _("Ticket %(number)s holds the conversation.") % {
        "number": ticket.reference
    })  # fmt: skip
    return redirect(reverse("agent:ticket", args=[ticket.number]))


@agent_required
def history(request):
    form = ChatHistoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since = timezone.now() - timedelta(days=filters["days"]) if filters.get("days") else None
    chats = chat_history(request.user, filters, since=since)
    return render(request, "chat/history.html", {"form": form, "chats": chats})


# Transcripts: print view and PDF, for the visitor (by their token) and for agents.


def _transcript_urls(pdf, *, token=None, chat_id=None):
    if token is not None:
        return (
            reverse("chat:pdf_status", args=[token, pdf.id]),
            reverse("chat:pdf_download", args=[token, pdf.id]),
        )
    return (
        reverse("chat:agent_pdf_status", args=[chat_id, pdf.id]),
        reverse("chat:agent_pdf_download", args=[chat_id, pdf.id]),
    )


def _pdf_of(session, pdf_id):
    return get_object_or_404(ChatPdf, id=pdf_id, session=session)


def transcript_print(request, token):
    return print_response(printable_chat(_session(token)))


def transcript_pdf(request, token):
    session = _session(token)
    pdf = request_chat_pdf(session, get_language())
    status_url, download_url = _transcript_urls(pdf, token=token)
    return pdf_wait_page(
        request, pdf, reference=str(printable_chat(session).reference), status_url=status_url,
        download_url=download_url,
    )  # fmt: skip


def transcript_pdf_status(request, token, pdf_id):
    pdf = _pdf_of(_session(token), pdf_id)
    download_url = reverse("chat:pdf_download", args=[token, pdf.id])
    return pdf_status_partial(request, pdf, download_url=download_url)


def transcript_pdf_download(request, token, pdf_id):
    session = _session(token)
    return pdf_file_response(_pdf_of(session, pdf_id), f"chat-{session.id}.pdf")


@agent_required
def agent_transcript_print(request, chat_id):
    return print_response(printable_chat(_agent_session(request, chat_id)))


@agent_required
def agent_transcript_pdf(request, chat_id):
    session = _agent_session(request, chat_id)
    pdf = request_chat_pdf(session, get_language())
    status_url, download_url = _transcript_urls(pdf, chat_id=chat_id)
    return pdf_wait_page(
        request, pdf, reference=str(printable_chat(session).reference), status_url=status_url,
        download_url=download_url,
    )  # fmt: skip


@agent_required
def agent_transcript_pdf_status(request, chat_id, pdf_id):
    pdf = _pdf_of(_agent_session(request, chat_id), pdf_id)
    download_url = reverse("chat:agent_pdf_download", args=[chat_id, pdf.id])
    return pdf_status_partial(request, pdf, download_url=download_url)


@agent_required
def agent_transcript_pdf_download(request, chat_id, pdf_id):
    session = _agent_session(request, chat_id)
    return pdf_file_response(_pdf_of(session, pdf_id), f"chat-{session.id}.pdf")
