"""Macros: every write of them, their preview and their application to one ticket.

Applying a macro is doing its actions by hand, one after another: each goes through the same
ticket service (whose own checks and history entries stand) in its own transaction, so one
refused (the agent may not transfer, say) leaves the others done; the result lists both.
The reply's placeholders are the canned replies' (`tickets.canned`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from core.sanitize import clean_html, html_to_text
from tickets import canned, services
from tickets.models import Priority, ProgressLabel, Ticket
from tickets.services import NotAllowed, WorkTime
from tickets.workflow import Action

from . import permissions
from .models import Macro
from .refusals import REASONS, attempt

REPLY_ACTIONS = {
    Macro.Then.WAIT: Action.REPLY_AND_WAIT,
    Macro.Then.KEEP: Action.REPLY_AND_KEEP,
    Macro.Then.PEND: Action.REPLY_AND_PEND,
}


@dataclass
class Step:
    """One action of a macro for one ticket: what the preview says, and the service call."""

    text: str
    call: Callable[[], object]


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    # (what the step says, why it was refused), in the reader's language.
    refused: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def save_macro(
    *, actor: User, name: str, department: Department | None = None, macro: Macro | None = None,
    body_html: str = "", then: str = Macro.Then.WAIT, progress_label: ProgressLabel | None = None,
    priority: Priority | None = None, assignee: User | None = None,
    transfer_to: Department | None = None, minutes: int | None = None,
) -> Macro:  # fmt: skip
    """A new macro of `actor` (`macro` None), or `macro` changed by one who may
    (`may_change_macro`). A `department` shares it with that department's agents: only an
    administrator or a manager of it shares (or keeps the department it is shared with)."""
    if macro is None:
        if not actor.is_agent or not actor.is_active:
            raise NotAllowed
        macro = Macro(owner=actor)
    elif not permissions.may_change_macro(actor, macro):
        raise NotAllowed
    if department is not None and not (
        permissions.may_share_macro_with(actor, department.id)
        or department.id == macro.department_id
    ):
        raise NotAllowed
    macro.name = name.strip()
    macro.department = department
    macro.body_html = clean_html(body_html) if html_to_text(clean_html(body_html)).strip() else ""
    macro.then = then
    macro.progress_label = progress_label
    macro.priority = priority
    macro.assignee = assignee
    macro.transfer_to = transfer_to
    macro.minutes = minutes or None
    macro.save()
    return macro


@transaction.atomic
def delete_macro(*, actor: User, macro: Macro) -> None:
    if not permissions.may_change_macro(actor, macro):
        raise NotAllowed
    macro.delete()


def filled_text(macro: Macro, ticket: Ticket, actor: User) -> str:
    """The macro's reply with its placeholders filled for this ticket ("" if it has none)."""
    if not macro.body_html:
        return ""
    return canned.fill(macro.body_html, canned.placeholders(ticket, actor))


def steps(
    macro: Macro, ticket: Ticket, actor: User, *, seen_entry_id: int | None = None
) -> list[Step]:
    """The macro's actions on `ticket`, in the order they are done: the reply first (it claims
    an unclaimed ticket, as by hand), then priority, progress label, time worked, the
    resolution, and last the hand-over (after it the agent may no longer hold the ticket).
    `seen_entry_id`: the last entry the preview showed; a reply written after it refuses the
    macro's reply."""
    found: list[Step] = []
    text = filled_text(macro, ticket, actor)
    if text and macro.then != Macro.Then.RESOLVE:
        found.append(
            Step(
                str(Macro.Then(macro.then).label),
                lambda: services.reply_to_ticket(
                    ticket=ticket,
                    actor=actor,
                    body_html=text,
                    then=REPLY_ACTIONS[Macro.Then(macro.then)],
                    seen_entry_id=seen_entry_id,
                ),
            )
        )
    if macro.priority is not None:
        found.append(
            Step(
                _("Priority: %(name)s") % {"name": macro.priority.display_name},
                lambda: services.edit_ticket(ticket=ticket, actor=actor, priority=macro.priority),
            )
        )
    if macro.progress_label is not None:
        label = macro.progress_label
        found.append(
            Step(
                _("Progress label: %(name)s") % {"name": label.display_name},
                lambda: services.set_progress(ticket=ticket, actor=actor, label=label),
            )
        )
    if macro.minutes:
        work = WorkTime(macro.minutes)
        found.append(
            Step(
                _("Time worked: %(minutes)d min") % {"minutes": macro.minutes},
                lambda: services.log_time(ticket=ticket, actor=actor, work=work),
            )
        )
    if macro.then == Macro.Then.RESOLVE:
        found.append(
            Step(
                _("Resolve, with the text as its message") if text else _("Resolve"),
                lambda: services.resolve_ticket(ticket=ticket, actor=actor, body_html=text),
            )
        )
    found.extend(_hand_over(macro, ticket, actor))
    return found


def _hand_over(macro: Macro, ticket: Ticket, actor: User) -> list[Step]:
    department, agent = macro.transfer_to, macro.assignee
    if department is not None:
        keeps = agent if agent is not None and department.id in agent.department_ids else None
        text = _("Transfer to %(department)s") % {"department": department.display_name}
        if keeps is not None:
            text = _("Transfer to %(department)s, to %(agent)s") % {
                "department": department.display_name,
                "agent": keeps.full_name,
            }
        return [
            Step(
                text,
                lambda: services.transfer_ticket(
                    ticket=ticket, actor=actor, department=department, agent=keeps
                ),
            )
        ]
    if agent is not None:
        return [
            Step(
                _("Assign to %(agent)s") % {"agent": agent.full_name},
                lambda: services.assign_ticket(ticket=ticket, actor=actor, agent=agent),
            )
        ]
    return []


def apply_macro(
    *, macro: Macro, ticket: Ticket, actor: User, seen_entry_id: int | None = None
) -> Outcome:
    """Do the macro's actions on `ticket` as `actor`, each through its service on its own;
    refused ones are reported, not fatal. Only a macro `actor` may use (their own or shared
    with their department) is applied."""
    if not permissions.usable_macros(actor).filter(id=macro.id).exists():
        raise NotAllowed
    outcome = Outcome()
    for step in steps(macro, ticket, actor, seen_entry_id=seen_entry_id):
        refusal = attempt(step.call, ticket.id)
        if refusal is None:
            outcome.done.append(step.text)
        else:
            reason = str(REASONS[refusal["reason"]]) % {"agent": refusal.get("agent", "")}
            outcome.refused.append((step.text, reason))
    return outcome
