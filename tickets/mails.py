"""Who is mailed about what (SPEC §6), each mail a row in the outbox (`mail.outbox`). The
bell's notifications are another thing: `services.bell` and the `Notification` model.

Internal notes never reach a customer: only public replies are mailed to them, and only
when the ticket says the customer is to be notified.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mail.models import OutboundEmail
from mail.outbox import queue_email
from mail.trust import reply_address

from . import guest_access
from .history import progress_name
from .models import Ticket


def _link_for_requester(ticket, *, signed: bool = False) -> str:
    requester = ticket.requester
    if not signed and requester.has_usable_password() and requester.is_email_confirmed:
        return settings.SITE_URL + reverse("tickets:detail", args=[ticket.number])
    return settings.SITE_URL + reverse(
        "tickets:guest_access", args=[guest_access.make_token(ticket)]
    )


def _link_for_follower(person, ticket) -> str:
    """What opens `ticket` for a customer following it (a merge kept them): their sign-in,
    or, for a guest, the signed link of their own ticket merged into it, which leads here
    (tickets.guest_access)."""
    theirs = None
    if not (person.has_usable_password() and person.is_email_confirmed):
        theirs = Ticket.objects.filter(merged_into=ticket, requester=person).order_by("id").first()
    if theirs is None:  # never a link of this ticket's: it is mailed to its requester alone
        return settings.SITE_URL + reverse("tickets:detail", args=[ticket.number])
    return settings.SITE_URL + reverse(
        "tickets:guest_access", args=[guest_access.make_token(theirs)]
    )


def _agent_link(ticket) -> str:
    return settings.SITE_URL + reverse("agent:ticket", args=[ticket.number])


def _mail(person, template, ticket, *, link, entry=None, **extra) -> OutboundEmail:
    context = {
        "ticket": ticket,
        "person": person,
        "link": link,
        "entry": entry,
        "valid_days": settings.GUEST_LINK_MAX_AGE_SECONDS // 86400,
        **extra,
    }
    return queue_email(
        to=person.email,
        template=template,
        context=context,
        language=person.mail_language,
        thread_id=ticket.email_thread_id,
        user=person,
        # A reply to this address from this person proves it answers our mail (mail.trust).
        reply_to=reply_address(ticket.number, person.email, base=ticket.department.email),
        inline_images=_images_shown(ticket, entry),
    )


def _images_shown(ticket, entry) -> dict[str, tuple[str, str, str]]:
    """The entry's images its text shows, by their address there: sent inside the mail and
    shown in place (mail.outbox), since the address itself asks the reader to sign in."""
    if entry is None or "<img" not in (entry.body_html or ""):
        return {}
    return {
        reverse("tickets:attachment", args=[ticket.number, attachment.id]): (
            attachment.file.name,
            attachment.name,
            attachment.content_type,
        )
        for attachment in entry.attachments.all()
        if attachment.is_image
    }


def _to_customer(ticket, template, *, entry=None, signed=False):
    if ticket.kind == ticket.Kind.EXTERNAL and ticket.notify_customer:
        link = _link_for_requester(ticket, signed=signed)
        row = _mail(ticket.requester, template, ticket, link=link, entry=entry)
        if entry is not None:  # what "show as e-mail" shows (tickets.as_email)
            entry.data = {**(entry.data or {}), "mail_id": row.id}
            entry.save(update_fields=["data"])


def _to_customer_followers(ticket, template, *, entry) -> None:
    # Customers a merge kept following the ticket get what its requester gets, each once.
    if ticket.kind != ticket.Kind.EXTERNAL or not ticket.notify_customer:
        return
    followers = {f.user for f in ticket.followers.select_related("user")}
    for person in sorted(followers, key=lambda p: p.id):
        if (
            person.is_active
            and not person.is_agent
            and person.id not in (ticket.requester_id, entry.author_id)
        ):
            _mail(person, template, ticket, link=_link_for_follower(person, ticket), entry=entry)


def _to_agent(agent, template, ticket, *, entry=None, **extra):
    if agent is not None and agent.is_active and agent.email_notifications:
        _mail(agent, template, ticket, link=_agent_link(ticket), entry=entry, **extra)


def ticket_opened(ticket) -> None:
    """The receipt (S0, S4): the number and a link to follow the ticket."""
    _to_customer(ticket, "tickets/ticket_opened")


def status_link(ticket) -> None:
    """The answer to "check ticket status": a signed link to this ticket alone (S4)."""
    _mail(
        ticket.requester,
        "tickets/status_link",
        ticket,
        link=_link_for_requester(ticket, signed=True),
    )


def ticket_resolved(ticket, entry=None) -> None:
    """The work is done: the customer is asked to rate it, or to say it is not solved (S0);
    `entry` is the agent's resolving message, when there is one: followers a merge kept
    get it as a reply (the rating is the requester's)."""
    _to_customer(ticket, "tickets/ticket_resolved", entry=entry)
    if entry is not None:
        _to_customer_followers(ticket, "tickets/reply_posted", entry=entry)


def progress_updated(entry) -> None:
    """A step of the work shown to the customer (S3 §4.5 "informar o cliente"), with the
    agent's message; the step is named in the customer's language."""
    ticket = entry.ticket
    if ticket.kind != ticket.Kind.EXTERNAL or not ticket.notify_customer:
        return
    person = ticket.requester
    with translation.override(person.mail_language):
        step = progress_name(entry.data or {})
    _mail(person, "tickets/progress_updated", ticket, link=_link_for_requester(ticket),
          entry=entry, step=step)  # fmt: skip


def reply_posted(entry, *, by_customer: bool) -> None:
    """A public reply goes to the other side; the customer's own is acknowledged (S0), unless
    it came by e-mail."""
    ticket = entry.ticket
    if not entry.is_public:
        return
    if by_customer:
        # A reply that came by mail is not acknowledged by mail: two robots would loop.
        if ticket.kind == ticket.Kind.EXTERNAL and ticket.notify_customer and not entry.message_id:
            link = _link_for_requester(ticket)
            _mail(entry.author, "tickets/reply_received", ticket, link=link, entry=entry)
            if entry.author_id != ticket.requester_id:  # a master user's comment (S2 §4.11)
                _mail(ticket.requester, "tickets/colleague_commented", ticket, link=link,
                      entry=entry)  # fmt: skip
        # Agents only: a requester kept as a follower by a merge is not sent the agents' mail.
        followers = {f.user for f in ticket.followers.select_related("user") if f.user.is_agent}
        if ticket.kind == ticket.Kind.INTERNAL and ticket.assignee:
            followers.add(ticket.assignee)
        for agent in sorted(followers - {entry.author}, key=lambda a: a.id):
            _mail(agent, "tickets/customer_replied", ticket, link=_agent_link(ticket), entry=entry)
    elif ticket.kind == ticket.Kind.EXTERNAL:
        _to_customer(ticket, "tickets/reply_posted", entry=entry)
        _to_customer_followers(ticket, "tickets/reply_posted", entry=entry)
    elif ticket.parent_id is None:  # an escalation's answers go out as escalation_answered
        _to_agent(ticket.requester, "tickets/reply_posted_internal", ticket, entry=entry)


def assigned(ticket, agent, *, actor=None) -> None:
    if actor is None or agent.id != actor.id:  # nobody is mailed about their own act
        _to_agent(agent, "tickets/agent_assigned", ticket)


def taken_over(ticket, previous, *, actor) -> None:
    """The agent whose ticket another took over ("Assumir", S3 §3) is told who."""
    _to_agent(previous, "tickets/ticket_taken_over", ticket, actor=actor)


def closed_by_customer(ticket) -> None:
    """The customer closed their ticket: its agent is told (S2)."""
    _to_agent(ticket.assignee, "tickets/ticket_closed_by_customer", ticket)


def escalation_answered(child, entry=None, *, actor=None) -> None:
    """A reply, resolution or finalization of an escalation reaches the agent of the ticket it
    came from (S3 §4.6), unless that agent did it (`actor`, or the entry's author)."""
    parent = child.parent
    if parent is None:
        return
    # The parent's agent, else the agent who escalated: never the parent's customer.
    agent = parent.assignee or child.requester
    if entry is not None and entry.author_id == agent.id:
        return
    if actor is not None and actor.id == agent.id:
        return
    _to_agent(agent, "tickets/escalation_answered", child, entry=entry)


def mail_requester(ticket, template: str, **extra) -> None:
    """A mail of another app's (`template`, such as "attendance/protocol") to the ticket's
    requester, with the link that opens the ticket for them, if they are to be notified."""
    if ticket.notify_customer:
        _mail(ticket.requester, template, ticket, link=_link_for_requester(ticket), **extra)


def service_order_scheduled(order) -> None:
    """The customer learns when the technician comes (S1 1.8)."""
    ticket = order.ticket
    if ticket.kind == ticket.Kind.EXTERNAL and ticket.notify_customer:
        link = _link_for_requester(ticket)
        _mail(ticket.requester, "tickets/service_order_scheduled", ticket, link=link, order=order)


def task_assigned(task) -> None:
    _to_agent(task.assignee, "tickets/task_assigned", task.ticket, task=task)


def agent_email(entry, *, to: list[str], cc: list[str], subject: str, body: str) -> None:
    """A mail an agent wrote (S1 1.9.1), in one message to all its recipients, with files."""
    ticket = entry.ticket
    queue_email(
        to=to[0],
        also_to=to[1:],
        cc=cc,
        template="tickets/agent_email",
        context={"ticket": ticket, "subject": subject, "body": body, "agent": entry.author},
        language=ticket.requester.mail_language,
        thread_id=ticket.email_thread_id,
        reply_to=reply_address(ticket.number, to[0], base=ticket.department.email),
        attachments=[
            (attachment.file.name, attachment.name, attachment.content_type)
            for attachment in entry.attachments.all()
        ],
    )
