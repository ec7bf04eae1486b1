"""Guided attendance (S1): the steps an agent takes with a client, from the origin of the
contact to the protocol number. Each step saves at once, so a dropped call loses nothing."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from core.sanitize import text_to_html
from tickets import mails, permissions
from tickets.models import Ticket, TicketEntry
from tickets.services import (
    NotAllowed,
    add_message,
    claim_ticket,
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
    """The attendance has its protocol already; its steps are closed."""


def _lock(attendance: Attendance, actor: User) -> Attendance:
    attendance = Attendance.objects.select_for_update().get(id=attendance.id)
    if attendance.agent_id != actor.id and not actor.is_administrator:
        raise NotAllowed
    if attendance.finished_at is not None:
        raise AttendanceFinished
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
    becomes the client."""
    attendance = _lock(attendance, actor)
    attendance.contact_email = email
    fields = ["contact_email"]
    if client is not None and attendance.ticket_id is None:
        attendance.client = client
        fields.append("client")
    attendance.save(update_fields=fields)
    return attendance


@transaction.atomic
def choose_client(*, attendance: Attendance, actor: User, client: User) -> Attendance:
    """The person served (S1 1.3); fixed once the ticket exists."""
    attendance = _lock(attendance, actor)
    if attendance.ticket_id is not None:
        raise NotAllowed
    if not client.is_customer or not client.is_active:
        raise NotAllowed
    attendance.client = client
    attendance.save(update_fields=["client"])
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
    if client is None or attendance.ticket_id is not None:
        raise NotAllowed
    problem = problem.strip()
    attendance.plan = plan
    attendance.problem = problem
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


def _title_from(problem: str) -> str:
    first_line = " ".join(problem.split())
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
def end_script(*, attendance: Attendance, actor: User) -> Attendance:
    """ "Encerrar Script": the answers go on the ticket as an internal note (S1 1.6.3)."""
    attendance = _lock(attendance, actor)
    if attendance.ticket is None or attendance.script_ended_at is not None:
        raise NotAllowed
    now = timezone.now()
    if attendance.script is not None and attendance.script_answers:
        report = {"script": attendance.script, "report": script_report(attendance)}
        entry = add_message(
            attendance.ticket, kind=TicketEntry.Kind.NOTE, actor=actor, now=now,
            body_html=render_to_string("attendance/_script_report.html", report),
        )  # fmt: skip
        entry.data = {"attendance": "script"}
        entry.save(update_fields=["data"])
    attendance.script_ended_at = now
    attendance.save(update_fields=["script_ended_at"])
    return attendance


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
    other outcomes continue on the ticket. The protocol number is mailed to the client."""
    attendance = _lock(attendance, actor)
    ticket = attendance.ticket
    if ticket is None or attendance.first_contact_at is not None:
        raise NotAllowed
    now = timezone.now()
    note = {"attendance_type": attendance_type, "description": description.strip()}
    entry = add_message(
        ticket, kind=TicketEntry.Kind.NOTE, actor=actor, now=now, files=files,
        body_html=render_to_string("attendance/_first_contact.html", note),
    )  # fmt: skip
    entry.data = {
        "attendance": "first_contact",
        "type": attendance_type.name,
        "type_id": attendance_type.id,
    }
    entry.save(update_fields=["data"])
    if outcome == Outcome.RESOLVED:
        ticket = resolve_ticket(ticket=ticket, actor=actor)
    _route(ticket, attendance_type, actor)
    attendance.script_ended_at = attendance.script_ended_at or now
    attendance.first_contact_at = now
    attendance.finished_at = now
    attendance.save(update_fields=["script_ended_at", "first_contact_at", "finished_at"])
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
    if not permissions.may_transfer(actor, ticket):
        raise NotAllowed
    transfer_ticket(ticket=ticket, actor=actor, department=department, agent=agent)
