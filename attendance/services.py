"""Guided attendance (S1): the steps an agent takes with a client, from the origin of the
contact to the protocol number. Each step saves at once, so a dropped call loses nothing."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from core.sanitize import clean_html, html_to_text, text_to_html
from tickets import mails, permissions
from tickets.models import Ticket, TicketEntry
from tickets.services import (
    NotAllowed,
    add_message,
    claim_ticket,
    edit_ticket,
    open_ticket,
    resolve_ticket,
    transfer_ticket,
)

from .models import Attendance, ScriptOption

CHANNELS: dict[str, str] = {
    Attendance.Origin.PHONE: Ticket.Channel.PHONE,
    Attendance.Origin.CHAT: Ticket.Channel.CHAT,
    Attendance.Origin.EMAIL: Ticket.Channel.EMAIL,
    Attendance.Origin.IN_PERSON: Ticket.Channel.IN_PERSON,
}


class AttendanceFinished(Exception):
    """The attendance has its first contact (and so its protocol) already; its steps are
    closed."""


def _lock(attendance: Attendance, actor: User) -> Attendance:
    attendance = Attendance.objects.select_for_update().get(id=attendance.id)
    if attendance.agent_id != actor.id and not actor.is_administrator:
        raise NotAllowed
    if attendance.finished_at is not None or attendance.first_contact_at is not None:
        raise AttendanceFinished
    return attendance


@transaction.atomic
def change_origin(*, attendance: Attendance, actor: User, origin: str) -> Attendance:
    """The origin reopened and changed (S1 1); the ticket, if opened, takes its channel."""
    attendance = _lock(attendance, actor)
    attendance.origin = origin
    attendance.save(update_fields=["origin"])
    if attendance.ticket_id is not None:
        # The channel is a fact of the contact, not an edit of the ticket: no history line.
        Ticket.objects.filter(id=attendance.ticket_id).update(channel=CHANNELS[origin])
    return attendance


@transaction.atomic
def start_attendance(*, actor: User, origin: str) -> Attendance:
    """An agent takes a contact (S1 1): phone, chat, e-mail or in person."""
    if not actor.is_agent:
        raise NotAllowed
    return Attendance.objects.create(agent=actor, origin=origin)


@transaction.atomic
def set_contact_email(
    *, attendance: Attendance, actor: User, email: str, client: User | None = None
) -> Attendance:
    """The address whose earlier contacts were looked at (S1 1.1); its person, when known,
    becomes the client. A client picked from the address before goes with it when the address
    changes (the client step asks again); one chosen otherwise (by name, in "Localizar
    Cliente") stays, even when the new address is somebody else's: the caller says so."""
    attendance = _lock(attendance, actor)
    previous = attendance.contact_email
    picked_from_it = (
        bool(previous) and attendance.client is not None and (attendance.client.email == previous)
    )
    chosen_otherwise = attendance.client is not None and not picked_from_it
    attendance.contact_email = email
    attendance.save(update_fields=["contact_email"])
    if client is not None and client.id != attendance.client_id and not chosen_otherwise:
        return _set_client(attendance, actor, client)
    if client is None and picked_from_it and email != previous and attendance.ticket_id is None:
        attendance.client = None
        attendance.save(update_fields=["client"])
    return attendance


@transaction.atomic
def choose_client(*, attendance: Attendance, actor: User, client: User) -> Attendance:
    """The person served (S1 1.3); changed later, before the protocol, the ticket's requester
    follows."""
    attendance = _lock(attendance, actor)
    return _set_client(attendance, actor, client)


def _set_client(attendance: Attendance, actor: User, client: User) -> Attendance:
    if not client.is_customer or not client.is_active:
        raise NotAllowed
    attendance.client = client
    attendance.save(update_fields=["client"])
    if attendance.ticket is not None and attendance.ticket.requester_id != client.id:
        # The operator's own ticket, still in the attendance: no edit right is asked.
        edit_ticket(ticket=attendance.ticket, actor=actor, requester=client, by_rule=True)
    return attendance


@transaction.atomic
def record_attendance_details(
    *, attendance: Attendance, actor: User, plan, problem: str, title: str = ""
) -> Attendance:
    """The plan and the problem in the client's words (S1 1.5) open the ticket in the plan's
    department; the agent takes it when it is one of theirs. The client is mailed the
    protocol at the end, not a receipt now."""
    attendance = _lock(attendance, actor)
    client = attendance.client
    if client is None:
        raise NotAllowed
    problem = problem.strip()
    attendance.plan = plan
    attendance.problem = problem
    if attendance.ticket is not None:
        return _change_details(attendance, actor, attendance.ticket, plan, title=title)
    attendance.ticket = open_ticket(
        actor=actor,
        requester=client,
        department=plan.department,
        title=title.strip() or _title_from(problem),
        body_html=text_to_html(problem),
        channel=CHANNELS[attendance.origin],
        send_receipt=False,
    )
    attendance.save(update_fields=["plan", "problem", "ticket"])
    if permissions.may_claim(actor, attendance.ticket):
        attendance.ticket = claim_ticket(ticket=attendance.ticket, actor=actor)
    return attendance


def _change_details(
    attendance: Attendance, actor: User, ticket: Ticket, plan, *, title: str
) -> Attendance:
    # Reopened before the protocol: the ticket follows the new plan (the system's routing,
    # not the operator's transfer) and the new words; the script and its answers stay.
    attendance.save(update_fields=["plan", "problem"])
    ticket = edit_ticket(
        ticket=ticket, actor=actor, by_rule=True, department=plan.department,
        title=title.strip() or _title_from(attendance.problem),
        body_html=text_to_html(attendance.problem),
    )  # fmt: skip
    if ticket.assignee_id is None and permissions.may_claim(actor, ticket):
        ticket = claim_ticket(ticket=ticket, actor=actor)
    attendance.ticket = ticket
    return attendance


def _title_from(problem: str) -> str:
    first_line = " ".join(problem.split())
    if first_line.endswith(".") and not first_line.endswith(".."):
        first_line = first_line[:-1]  # a subject line has no full stop; "..." stays
    return first_line if len(first_line) <= 80 else first_line[:79].rstrip() + "…"


# The script (S1 1.6): answers are a path through the questions; the position says which
# answer is being given, so "previous" moves back and a changed answer cuts what followed.


def script_step(attendance: Attendance):
    """(question, chosen option id or None) at the current position; (None, None) when the
    last answer given ends the script."""
    answers = attendance.script_answers
    position = attendance.script_position
    script = attendance.script
    if script is None:
        return None, None
    if position < len(answers):
        step = answers[position]
        question = script.questions.filter(id=step["question"]).first()
        return question, step["option"]
    if not answers:
        return script.first_question(), None
    last = ScriptOption.objects.filter(id=answers[-1]["option"]).first()
    return (last.next_question if last else None), None


@transaction.atomic
def choose_script(*, attendance: Attendance, actor: User, script) -> Attendance:
    attendance = _lock(attendance, actor)
    if attendance.ticket_id is None or attendance.script_ended_at is not None:
        raise NotAllowed
    attendance.script = script
    attendance.script_answers = []
    attendance.script_position = 0
    attendance.save(update_fields=["script", "script_answers", "script_position"])
    return attendance


@transaction.atomic
def answer_question(*, attendance: Attendance, actor: User, option: ScriptOption) -> Attendance:
    """Mark the client's answer to the current question and move to the next one. A changed
    earlier answer drops the answers that followed it: they belonged to another path."""
    attendance = _lock(attendance, actor)
    question, chosen = script_step(attendance)
    if question is None or attendance.script_ended_at or option.question_id != question.id:
        raise NotAllowed
    answers = list(attendance.script_answers)
    position = attendance.script_position
    if chosen != option.id:
        answers = [*answers[:position], {"question": question.id, "option": option.id}]
    attendance.script_answers = answers
    attendance.script_position = position + 1
    attendance.save(update_fields=["script_answers", "script_position"])
    return attendance


@transaction.atomic
def go_to_answer(*, attendance: Attendance, actor: User, position: int) -> Attendance:
    """Back to an earlier question ("Previous", or a click on an answer given)."""
    attendance = _lock(attendance, actor)
    if attendance.script_ended_at or not 0 <= position <= len(attendance.script_answers):
        raise NotAllowed
    attendance.script_position = position
    attendance.save(update_fields=["script_position"])
    return attendance


def script_report(attendance: Attendance) -> list[tuple[str, str]]:
    """(question, answer) for every answer given, in order."""
    ids = [step["option"] for step in attendance.script_answers]
    options = ScriptOption.objects.select_related("question").in_bulk(ids)
    return [
        (options[option_id].question.question, options[option_id].label)
        for option_id in ids
        if option_id in options
    ]


@transaction.atomic
def reopen_script(*, attendance: Attendance, actor: User) -> Attendance:
    """The script step reopened before the first contact: the answers stay, to be changed."""
    attendance = _lock(attendance, actor)
    if attendance.script_ended_at is None:
        return attendance
    attendance.script_ended_at = None
    attendance.script_position = len(attendance.script_answers)
    attendance.save(update_fields=["script_ended_at", "script_position"])
    return attendance


@transaction.atomic
def end_script(*, attendance: Attendance, actor: User) -> Attendance:
    """ "Encerrar Script": the answers go on the ticket as an internal note (S1 1.6.3); ended
    again after a reopening, the same note takes the new answers."""
    attendance = _lock(attendance, actor)
    if attendance.ticket is None or attendance.script_ended_at is not None:
        raise NotAllowed
    now = timezone.now()
    _store_report(attendance, actor, now)
    attendance.script_ended_at = now
    attendance.save(update_fields=["script_ended_at"])
    return attendance


def _store_report(attendance: Attendance, actor: User, now) -> None:
    # The answers as an internal note; a script reopened and ended again updates the same one.
    ticket = attendance.ticket
    if ticket is None:  # the callers refuse an attendance without its ticket
        raise NotAllowed
    earlier = ticket.entries.filter(data__attendance="script").first()
    if attendance.script is not None and attendance.script_answers:
        report = {"script": attendance.script, "report": script_report(attendance)}
        body_html = render_to_string("attendance/_script_report.html", report)
        if earlier is not None:
            earlier.body_html = clean_html(body_html)
            earlier.body_text = html_to_text(earlier.body_html)
            earlier.save(update_fields=["body_html", "body_text"])
        else:
            entry = add_message(
                attendance.ticket, kind=TicketEntry.Kind.NOTE, actor=actor, now=now,
                body_html=body_html,
            )  # fmt: skip
            entry.data = {"attendance": "script"}
            entry.save(update_fields=["data"])


class Outcome:
    """What the first contact leads to (S1 1.7)."""

    OPEN = "open"
    RESOLVED = "resolved"
    SERVICE_ORDER = "service_order"
    TASK = "task"
    EMAIL = "email"


@transaction.atomic
def record_first_contact(
    *,
    attendance: Attendance,
    actor: User,
    attendance_type,
    description: str,
    files=(),
    outcome: str,
) -> Attendance:
    """The first contact (S1 1.7): what was checked, under a pre-registered type that may send
    the ticket to an agent or a department, with files. "Resolved" resolves the ticket; the
    other outcomes continue on the ticket. The protocol number is mailed to the client; the
    attendance stays in progress until its protocol is shown (`show_protocol`)."""
    attendance = _lock(attendance, actor)
    ticket = attendance.ticket
    if ticket is None or attendance.first_contact_at is not None:
        raise NotAllowed
    now = timezone.now()
    # The type's name is not written into the note: the thread names it in the reader's
    # language from the id below.
    entry = add_message(
        ticket, kind=TicketEntry.Kind.NOTE, actor=actor, now=now, files=files,
        body_html=text_to_html(description.strip()),
    )  # fmt: skip
    entry.data = {
        "attendance": "first_contact",
        "type": attendance_type.name,
        "type_pt_br": attendance_type.name_pt_br,
        "type_id": attendance_type.id,
    }
    entry.save(update_fields=["data"])
    if outcome == Outcome.RESOLVED:
        ticket = resolve_ticket(ticket=ticket, actor=actor)
    _route(ticket, attendance_type, actor)
    if attendance.script_ended_at is None:  # a script still running ends with the contact
        _store_report(attendance, actor, now)
        attendance.script_ended_at = now
    attendance.first_contact_at = now
    attendance.save(update_fields=["script_ended_at", "first_contact_at"])
    # The end of a guided attendance (S1 1.10): the protocol number, mailed to the client.
    mails.mail_requester(attendance.ticket, "attendance/protocol", attendance=attendance)
    return attendance


def _route(ticket: Ticket, attendance_type, actor: User) -> None:
    """Send the ticket where the attendance type says, if it says anywhere new."""
    department = attendance_type.department
    agent = attendance_type.agent
    if department is None and agent is None:
        return
    ticket.refresh_from_db()
    department = department or ticket.department
    if agent is not None and department.id not in agent.department_ids:
        agent = None
    if ticket.department_id == department.id and (agent is None or ticket.assignee_id == agent.id):
        return  # already there; whoever took it keeps it
    # The type's routing is the system's rule, not the operator's transfer (S1 1.7 Obs2).
    transfer_ticket(ticket=ticket, actor=actor, department=department, agent=agent, by_rule=True)


@transaction.atomic
def show_protocol(*, attendance: Attendance, actor: User) -> Attendance:
    """The protocol is shown (S1 1.10): only now does the attendance leave "in progress"."""
    attendance = Attendance.objects.select_for_update().get(id=attendance.id)
    if attendance.agent_id != actor.id and not actor.is_administrator:
        raise NotAllowed
    if attendance.first_contact_at is None:
        raise NotAllowed
    if attendance.finished_at is None and attendance.agent_id == actor.id:
        attendance.finished_at = timezone.now()
        attendance.save(update_fields=["finished_at"])
    return attendance
