"""Bulk actions on the agent's lists: every write of them.

The agent ticks tickets on a queue or a search (or asks for every ticket that matches it) and
picks an action. A `BulkJob` row keeps what was asked; when it runs, the tickets are chosen
again through the gate as its owner (`visible_tickets`: a number typed in from outside is
just a ticket they may not see), and each goes through the same service as one at a time,
whose own checks and history entries stand. A ticket refused is kept with a reason code,
told in the reader's language when shown. Up to BULK_INLINE_TICKETS it runs in the request;
above, a worker does it in batches while a page shows the progress.
"""

import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import Department, User
from core import live
from core.queue import enqueue_on_commit
from tickets import queues, services
from tickets.agent_forms import QueueFilterForm
from tickets.models import Priority, ProgressLabel, Ticket
from tickets.permissions import visible_tickets
from tickets.services import (
    NotAllowed,
)

from . import macros, merge, permissions
from .models import BulkJob, Macro
from .refusals import REASONS, attempt

logger = logging.getLogger(__name__)

# Tickets changed in one transaction of a worker (the job's progress moves with them).
BATCH = 25


def _claim(ticket: Ticket, actor: User, choices: dict) -> None:
    services.claim_ticket(ticket=ticket, actor=actor)


def _assign(ticket: Ticket, actor: User, choices: dict) -> None:
    services.assign_ticket(ticket=ticket, actor=actor, agent=choices["agent"])


def _transfer(ticket: Ticket, actor: User, choices: dict) -> None:
    services.transfer_ticket(
        ticket=ticket, actor=actor, department=choices["department"], agent=choices["agent"]
    )


def _priority(ticket: Ticket, actor: User, choices: dict) -> None:
    services.edit_ticket(ticket=ticket, actor=actor, priority=choices["priority"])


def _label(ticket: Ticket, actor: User, choices: dict) -> None:
    services.set_progress(
        ticket=ticket, actor=actor, label=choices["label"], body_html=choices["message"]
    )


def _resolve(ticket: Ticket, actor: User, choices: dict) -> None:
    services.resolve_ticket(ticket=ticket, actor=actor, body_html=choices["message"])


def _finalize(ticket: Ticket, actor: User, choices: dict) -> None:
    services.finalize_ticket(
        ticket=ticket, actor=actor, reason=choices["message"], unanswered=choices["unanswered"]
    )


def _trash(ticket: Ticket, actor: User, choices: dict) -> None:
    services.trash_ticket(ticket=ticket, actor=actor)


def _merge(ticket: Ticket, actor: User, choices: dict) -> None:
    # The ticket to keep was found through the gate as the job's owner, or not at all.
    if choices["target"] is None:
        raise NotAllowed
    # Its requester is told when the job ends, once for all their tickets (_merged).
    merge.merge_tickets(actor=actor, sources=[ticket], target=choices["target"], mail=False)


def _merged(job: BulkJob) -> None:
    """The job has ended: each requester of the tickets it merged is mailed once, however
    many of theirs it merged (in as many batches as it took)."""
    refused = {row["number"] for row in job.refused}
    ids = [ticket_id for ticket_id, number in job.ticket_ids[: job.position]
           if number not in refused]  # fmt: skip
    merged = Ticket.objects.filter(id__in=ids, merged_into__isnull=False).select_related(
        "requester", "merged_into"
    )
    by_target: dict[int, list[Ticket]] = {}
    for ticket in merged.order_by("number"):
        by_target.setdefault(ticket.merged_into_id, []).append(ticket)
    for sources in by_target.values():
        merge.mail_requesters(sources, sources[0].merged_into)


def _macro(ticket: Ticket, actor: User, choices: dict) -> None:
    # All or nothing for each ticket: a step refused refuses the ticket, with its reason.
    macro = choices["macro"]
    if macro is None or not permissions.usable_macros(actor).filter(id=macro.id).exists():
        raise NotAllowed
    for step in macros.steps(macro, ticket, actor):
        step.call()


# Name -> (what the menu says, the service call, what the result says).
ACTIONS: dict[str, tuple] = {
    "claim": (_("Claim"), _claim,
              ngettext_lazy("%(count)d ticket claimed", "%(count)d tickets claimed", "count")),
    "assign": (_("Assign to an agent"), _assign,
               ngettext_lazy("%(count)d ticket assigned", "%(count)d tickets assigned", "count")),
    "transfer": (_("Transfer"), _transfer,
                 ngettext_lazy("%(count)d ticket transferred", "%(count)d tickets transferred",
                               "count")),
    "priority": (_("Set the priority"), _priority,
                 ngettext_lazy("%(count)d ticket with its priority set",
                               "%(count)d tickets with their priority set", "count")),
    "label": (_("Set the progress label"), _label,
              ngettext_lazy("%(count)d ticket with its progress label set",
                            "%(count)d tickets with their progress label set", "count")),
    "resolve": (_("Resolve"), _resolve,
                ngettext_lazy("%(count)d ticket resolved", "%(count)d tickets resolved", "count")),
    "finalize": (_("Finalize"), _finalize,
                 ngettext_lazy("%(count)d ticket finalized", "%(count)d tickets finalized",
                               "count")),
    "macro": (_("Apply a macro"), _macro,
              ngettext_lazy("%(count)d ticket with the macro applied",
                            "%(count)d tickets with the macro applied", "count")),
    "merge": (_("Merge into another ticket"), _merge,
              ngettext_lazy("%(count)d ticket merged", "%(count)d tickets merged", "count")),
    "trash": (_("Move to the trash"), _trash,
              ngettext_lazy("%(count)d ticket moved to the trash",
                            "%(count)d tickets moved to the trash", "count")),
}  # fmt: skip

# What an action does once its job has ended, whatever became of its tickets.
FINISHING: dict[str, Callable[[BulkJob], None]] = {"merge": _merged}


def action_choices() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _call, _done) in ACTIONS.items()]


def done_message(job: BulkJob) -> str:
    return str(ACTIONS[job.action][2] % {"count": job.done})


def refusals(job: BulkJob) -> list[tuple[int, str]]:
    """The tickets refused, each with its reason in the active language."""
    return [
        (row["number"], str(REASONS[row["reason"]]) % {"agent": row.get("agent", "")})
        for row in job.refused
    ]


def _chosen(owner: User, query: dict) -> tuple[str, dict]:
    """The queue `query` names and its filters, as the queue page reads them for `owner`
    (invalid filters are dropped, as the page does)."""
    data = QueryDict(mutable=True)
    for key, values in query.items():
        data.setlist(key, values if isinstance(values, list) else [values])
    form = QueueFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {}
    asked = filters.get("queue")
    name = asked if isinstance(asked, str) and asked in queues.queues_for(owner) else "new"
    return name, filters


def _matching(owner: User, query: dict):
    """The tickets of the list `query` names (a queue, its filters, its search), as the
    queue page shows them to `owner` now."""
    return queues.queue_tickets(owner, *_chosen(owner, query))


def parse_query(query_string: str) -> dict:
    return parse_qs(query_string[:2000], keep_blank_values=False)


def selection_count(owner: User, *, numbers: list[int], every_match: bool, query: dict) -> int:
    """How many tickets the selection stands for now (ticked ones are counted as ticked)."""
    if not every_match:
        return len(numbers)
    name, filters = _chosen(owner, query)
    if all(value in (None, "") for key, value in filters.items() if key not in ("queue", "sort")):
        # A whole queue: the count kept beside the queues (one small query), not a count of
        # every open ticket of it (41 ms at 1,000,000 tickets, growing with the queue).
        return queues.queue_counts(owner)[name]
    return queues.queue_tickets(owner, name, filters).count()


def start_bulk_action(
    *, actor: User, action: str, params: dict, numbers: list[int], every_match: bool,
    query: dict, count: int,
) -> BulkJob:  # fmt: skip
    """Write the job; run it now when `count` is at most BULK_INLINE_TICKETS, else leave it
    to a worker (queued on commit). `params` holds ids and text only."""
    if action not in ACTIONS or not actor.is_agent:
        raise NotAllowed
    with transaction.atomic():
        job = BulkJob.objects.create(
            owner=actor, action=action, params=params, numbers=[] if every_match else numbers,
            query=query if every_match else {}, every_match=every_match,
        )  # fmt: skip
        inline = count <= settings.BULK_INLINE_TICKETS
        if not inline:
            enqueue_on_commit("workspace.tasks.run_bulk_job", job.id)
    if inline:
        job = run_bulk_job(job_id=job.id) or job
    return job


def _choose(job: BulkJob) -> None:
    """The tickets of the job, chosen now through the gate as its owner; a ticked number
    they may not see (gone, moved, or never theirs) is refused here."""
    owner = job.owner
    if job.every_match:
        rows = _matching(owner, job.query).order_by("id").values_list("id", "number")
        job.ticket_ids = [list(row) for row in rows[: settings.BULK_MAX_TICKETS]]
        return
    numbers = list(dict.fromkeys(job.numbers))[: settings.BULK_MAX_TICKETS]
    found = dict(visible_tickets(owner).filter(number__in=numbers).values_list("number", "id"))
    job.ticket_ids = [[found[number], number] for number in numbers if number in found]
    job.refused = [{"number": n, "reason": "not_found"} for n in numbers if n not in found]


def _choices(params: dict, owner: User) -> dict:
    """The action's choices as rows, read once a batch (a row gone meanwhile is None; the
    ticket to merge into, through the gate as the job's owner)."""

    def row(model, key, **where):
        value = params.get(key)
        return model.objects.filter(id=value, **where).first() if value else None

    return {
        "agent": row(User, "agent", is_active=True),
        "department": row(Department, "department"),
        "priority": row(Priority, "priority"),
        "label": row(ProgressLabel, "label"),
        "macro": row(Macro, "macro"),
        "target": visible_tickets(owner).filter(number=params["target"]).first()
        if params.get("target")
        else None,
        "message": params.get("message", ""),
        "unanswered": bool(params.get("unanswered")),
    }


def _apply(call: Callable, ticket_id: int, owner: User, choices: dict) -> dict | None:
    """One ticket through the gate and the service; the refusal, if any, as a row."""
    ticket = visible_tickets(owner).filter(id=ticket_id).first()
    if ticket is None:
        return {"reason": "not_found"}
    # Each ticket's savepoint would tell its own news: the batch tells those it keeps, once.
    with live.held() as news:
        refusal = attempt(lambda: call(ticket, owner, choices), ticket_id)
    if refusal is None:
        live.release(news)
    return refusal


def _locked():
    # The job's row only: its owner is read, not locked.
    return BulkJob.objects.select_for_update(of=("self",)).select_related("owner")


def run_bulk_job(*, job_id: int) -> BulkJob | None:
    """Do the job's tickets, BATCH at a time, each batch one transaction with the job's row
    locked and its `position` moved: a retry (or a second worker) starts where the last
    commit left it, so no ticket is done twice. A finished job is left alone."""
    with transaction.atomic():
        job = _locked().filter(id=job_id).first()
        if job is None or job.is_finished:
            return job
        if job.status == BulkJob.Status.QUEUED:
            _choose(job)
            job.status = BulkJob.Status.RUNNING
            job.save(update_fields=["ticket_ids", "refused", "status"])
    call = ACTIONS[job.action][1]
    while job.status == BulkJob.Status.RUNNING:
        with transaction.atomic():
            job = _locked().get(id=job_id)
            if job.status != BulkJob.Status.RUNNING:
                break
            owner = job.owner  # read again each batch: one who lost the right stops here
            if not owner.is_active or not owner.is_agent:
                job.status = BulkJob.Status.FAILED
            batch = job.ticket_ids[job.position : job.position + BATCH]
            choices = _choices(job.params, owner) if batch else {}
            for ticket_id, number in batch if job.status == BulkJob.Status.RUNNING else []:
                refusal = _apply(call, ticket_id, owner, choices)
                if refusal is None:
                    job.done += 1
                else:
                    job.refused.append({"number": number, **refusal})
                job.position += 1
            if job.position >= job.total and job.status == BulkJob.Status.RUNNING:
                job.status = BulkJob.Status.DONE
            if job.is_finished:
                job.finished_at = timezone.now()
                if finish := FINISHING.get(job.action):
                    finish(job)
            job.save(update_fields=["position", "done", "refused", "status", "finished_at"])
    return job
